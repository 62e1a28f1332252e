# models/sip/: the SIP wire layer (messages, URIs, SDP, digest, transactions, dialogs).
libossim_la_SOURCES += \
	models/sip/pl.h \
	models/sip/sdp.c \
	models/sip/sdp.h \
	models/sip/auth.c \
	models/sip/auth.h \
	models/sip/msg.h \
	models/sip/msg_priv.h \
	models/sip/msg.c \
	models/sip/hdr.c \
	models/sip/chr.h \
	models/sip/chr.c \
	models/sip/param.c \
	models/sip/uri.c \
	models/sip/addr.c \
	models/sip/via.c \
	models/sip/build.h \
	models/sip/build.c \
	models/sip/lint.h \
	models/sip/lint.c \
	models/sip/txn.h \
	models/sip/txn_priv.h \
	models/sip/transport.h \
	models/sip/transport.c \
	models/sip/ctrans.c \
	models/sip/strans.c \
	models/sip/dialog.h \
	models/sip/dialog.c \
	$(NULL)
