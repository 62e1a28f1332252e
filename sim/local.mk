# sim/: the kernel (clock, events, timers, entities, RNG streams, trace bus), statistics and the
# simulated network. ossim.c, the command, is listed in Makefile.am.
libossim_la_SOURCES += \
	sim/sim.h \
	sim/stats.h \
	sim/net.h \
	$(NULL)
