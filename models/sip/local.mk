# models/sip/: the SIP wire layer (messages, URIs, SDP, digest, transactions, dialogs).
libossim_la_SOURCES += \
	models/sip/pl.h \
	$(NULL)
