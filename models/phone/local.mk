# models/phone/: see the header comments of its files.
libossim_la_SOURCES += \
	models/phone/phone.h \
	models/phone/phone_priv.h \
	models/phone/phone.c \
	models/phone/phone_call.c \
	$(NULL)
