# models/media/: see the header comments of its files.
libossim_la_SOURCES += \
	models/media/pool.h \
	models/media/pool.c \
	$(NULL)
