# models/officeserv/: see the header comments of its files.
libossim_la_SOURCES += \
	models/officeserv/dm.h \
	models/officeserv/dm.c \
	models/officeserv/officeserv.h \
	models/officeserv/os_priv.h \
	models/officeserv/officeserv.c \
	models/officeserv/registrar.c \
	models/officeserv/views.c \
	models/officeserv/call_priv.h \
	models/officeserv/call.c \
	models/officeserv/media.c \
	$(NULL)
