/*
 * osmodel.h - the per-model data of the OfficeServ call servers (models/os-models.xml).
 *
 * One table, loaded once and read-only afterwards: for each model (OS7030 ... OS7400) its SIP
 * station capacity (Manual, CAP-01), its capacity with TLS enabled (CAP-02), its inbuilt MGI
 * channels and their licence rule (MGI-06, MGI-07), the MGI/OAS cards it takes and its MPS
 * channels. The scenario loader checks a scenario's system against it; the media and licence
 * models will size their pools from it. Figures no source gives are flagged as assumed, so
 * every output can say so. Also here: where ossim's data files are found (osmodel_data_path).
 */
#ifndef OSSIM_OSMODEL_H
#define OSSIM_OSMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Bits of struct osmodel.assumed: which figures of a model no source states. */
enum osmodel_field {
	OSMODEL_F_SIP_STATIONS = 1u << 0,
	OSMODEL_F_TLS_STATIONS = 1u << 1,
	OSMODEL_F_BUILTIN_MGI = 1u << 2,
	OSMODEL_F_BUILTIN_MGI_LICENCE = 1u << 3,
	OSMODEL_F_CARD_WAIVES_LICENCE = 1u << 4,
	OSMODEL_F_MPS_CHANNELS = 1u << 5,
};

/* A card type that carries MGI channels (MGI16, MGI64, OAS). */
struct osmodel_card_type {
	char *name;
	unsigned channels;       /* voice channels per card */
	bool channels_assumed;   /* true: no source states the figure */
	int src_line;            /* line in os-models.xml */
};

/* A card type a model takes, and how many of it at most. */
struct osmodel_card {
	const struct osmodel_card_type *type;  /* borrowed from the table */
	unsigned max;
	bool max_assumed;
};

/* One OfficeServ model. */
struct osmodel {
	char *name;                    /* "OS7030", "OS7100", "OS7200S", "OS7200-MP20", "OS7400" */
	unsigned sip_stations;         /* CAP-01: programmable SIP station ports */
	unsigned tls_stations;         /* CAP-02: capacity with TLS enabled; 0 = no TLS (TLS-02) */
	unsigned builtin_mgi;          /* MGI channels on the MP board; 0 = none */
	bool builtin_mgi_licence;      /* MGI-06: inbuilt channels usable only up to the licence */
	bool card_waives_licence;      /* MGI-07: an installed MGI/OAS card lifts that limit */
	unsigned mps_channels;         /* MPS-01/02: media proxy channels */
	struct osmodel_card *cards;    /* card types the model takes; n_cards of them */
	size_t n_cards;
	unsigned assumed;              /* OR of enum osmodel_field: figures no source states */
	int src_line;                  /* line in os-models.xml */
};

/* The whole table, in file order (which `ossim models` keeps). */
struct osmodel_table {
	char *file;                          /* the path it was loaded from */
	struct osmodel_card_type *card_types;
	size_t n_card_types;
	struct osmodel *models;
	size_t n_models;
};

/* Error domain of osmodel_table_load and osmodel_data_path's callers. */
#define OSMODEL_ERROR (osmodel_error_quark())
GQuark osmodel_error_quark(void);

/* Loads a table from PATH. Returns NULL and sets ERR ("FILE:LINE: what, what was expected")
 * when the file cannot be read, is not well-formed, has unknown elements or attributes, bad
 * numbers, duplicate names or a card that names an unknown card type. */
struct osmodel_table *osmodel_table_load(const char *path, GError **err);
/* Loads the installed table (osmodel_data_path("models/os-models.xml")); errors as above. */
struct osmodel_table *osmodel_table_load_default(GError **err);
void osmodel_table_free(struct osmodel_table *t);

/* Finds a model by its exact name; NULL if the table has none. */
const struct osmodel *osmodel_find(const struct osmodel_table *t, const char *name);
/* Finds a card type a model takes; NULL if the model does not take it. */
const struct osmodel_card *osmodel_card_find(const struct osmodel *m, const char *type);
/* Writes the model names as "A, B, C" into a new string (for "expected one of" messages). */
char *osmodel_names(const struct osmodel_table *t);

/* Where ossim's data file REL (e.g. "scenarios/ossim.rng") is: under $OSSIM_DATADIR when that is
 * set and not empty; else in the installed data directory when the file is there; else in the
 * source tree ossim was built from. Returns a new string; the file may not exist. */
char *osmodel_data_path(const char *rel);

/* Reads the XML file PATH into a libxml2 document (free it with xmlFreeDoc), parsed with no
 * network access and no entity expansion, its errors captured on its own parser context (no
 * global handler, nothing printed). Returns NULL and sets ERR to "FILE: cannot read ...",
 * "FILE:1: the file is empty ..." or "FILE:LINE: not well-formed XML: <libxml2's reason>". */
struct _xmlDoc;
struct _xmlDoc *osmodel_xml_read(const char *path, GError **err);
struct _xmlNode;
/* Attribute NAME of element N as a new string (g_free it), or NULL when absent; shared by the
   loaders of os-models.xml and of scenarios. */
char *osmodel_xml_attr(const struct _xmlNode *n, const char *name);

/* `ossim models [--file FILE]`: prints the per-model table. argv[0] is "models". Returns the
 * exit status: 0, or 2 on bad usage or an unreadable or invalid table. */
int osmodel_models_main(int argc, char **argv);

#endif
