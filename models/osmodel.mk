# models/osmodel.*: the per-model OfficeServ data (models/os-models.xml) and its loader.
# The data file is installed with the schema (see scenarios/local.mk), and found through
# osmodel_data_path: $OSSIM_DATADIR, then the installed copy, then the source tree.
libossim_la_SOURCES += \
	models/osmodel.h \
	models/osmodel.c \
	$(NULL)
nobase_dist_pkgdata_DATA = models/os-models.xml scenarios/ossim.rng scenarios/demo.xml
AM_CPPFLAGS += -DOSSIM_PKGDATADIR=\"$(pkgdatadir)\" -DOSSIM_SRCDIR=\"$(abs_top_srcdir)\"
