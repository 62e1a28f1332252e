# sim/: the kernel (clock, events, timers, entities, RNG streams, trace bus), statistics and the
# simulated network. ossim.c, the command, is listed in Makefile.am.
libossim_la_SOURCES += \
	sim/sim.h \
	sim/sim_priv.h \
	sim/sim.c \
	sim/timer.c \
	sim/entity.c \
	sim/rng.c \
	sim/trace.c \
	sim/stats.h \
	sim/stats.c \
	sim/net.h \
	sim/net.c \
	$(NULL)
