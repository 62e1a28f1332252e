# bench/: benchmarks, run by `make bench` (BENCH_FILTER=name picks one, BENCH_QUICK=1 shortens).
# They are built with everything else so that they keep compiling; only `make bench` runs them.
noinst_PROGRAMS += bench/kernel
bench_kernel_SOURCES = bench/kernel.c
bench_kernel_CFLAGS = $(AM_CFLAGS) -DTOP_SRCDIR=\"$(abs_top_srcdir)\"
bench_kernel_LDADD = libossim.la $(DEP_LIBS)

EXTRA_DIST += bench/run.sh bench/kernel_simpy.py

if HAVE_OSIP
noinst_PROGRAMS += bench/sip
bench_sip_SOURCES = bench/sip.c
bench_sip_CFLAGS = $(AM_CFLAGS) $(OSIP_CFLAGS)
bench_sip_LDADD = libossim.la $(DEP_LIBS) $(OSIP_LIBS)
endif


bench: $(noinst_PROGRAMS)
	@PYTHON='$(PYTHON)' top_srcdir='$(abs_top_srcdir)' $(SHELL) '$(srcdir)/bench/run.sh'
.PHONY: bench
