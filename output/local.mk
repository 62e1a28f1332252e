# output/: trace-bus subscribers and renderers (ladders, pcap, metrics, the report).
libossim_la_SOURCES += \
	output/ladder.h \
	output/ladder_priv.h \
	output/ladder.c \
	output/ladder_text.c \
	output/ladder_gv.h \
	output/ladder_gv.c \
	output/diff.h \
	output/diff.c \
	output/metrics.h \
	output/metrics.c \
	output/pcap.h \
	output/pcap.c \
	output/report.h \
	output/report.c \
	$(NULL)
