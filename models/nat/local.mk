# models/nat/: see the header comments of its files.
libossim_la_SOURCES += \
	models/nat/nat.h \
	models/nat/nat.c \
	$(NULL)
