# models/erlang/: textbook queueing models on the kernel, with known answers (self-check, bench).
libossim_la_SOURCES += \
	models/erlang/mmcc.h \
	models/erlang/mmcc.c \
	$(NULL)
