# scenarios/: the scenario schema (ossim.rng, installed with models/os-models.xml, see
# models/osmodel.mk), the loader that turns a scenario file into struct scenario, and the
# library of scenarios (features/ ...), shipped in the tarball.
libossim_la_SOURCES += \
	scenarios/scenario.h \
	scenarios/world.h \
	scenarios/world.c \
	scenarios/loader.c \
	scenarios/scenario_profile.c \
	$(NULL)
EXTRA_DIST += scenarios/features
