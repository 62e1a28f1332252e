/*
 * dm.c - helpers over the DM tables of dm.h that both the scenario checks and the call server use.
 */
#include "config.h"

#include "models/officeserv/dm.h"
#include "models/osmodel.h"

bool os_dm_ip_entry_match(const struct os_dm_ip_entry *e, uint32_t ip)
{
	return (ip & e->mask) == e->net;
}

unsigned os_dm_mgi_ports(const struct os_dm *dm)
{
	const struct osmodel *m = dm->model;
	unsigned cards = 0, builtin;

	for (size_t i = 0; i < dm->n_mgi_cards; i++)
		cards += dm->mgi_cards[i].count * dm->mgi_cards[i].channels;
	if (m == NULL)
		return cards;
	builtin = m->builtin_mgi;
	/* MGI-06/07: inbuilt ports need the MGI licence unless a card waives it. */
	if (m->builtin_mgi_licence && !(m->card_waives_licence && dm->n_mgi_cards > 0) &&
	    dm->licence.mgi < builtin)
		builtin = dm->licence.mgi;
	return builtin + cards;
}

unsigned os_dm_station_capacity(const struct os_dm *dm)
{
	const struct osmodel *m = dm->model;
	unsigned cap = dm->sip_stn_ports;

	if (m == NULL)
		return cap;
	/* CAP-01, and CAP-02 read as a cap on every SIP phone once TLS is on. */
	if (m->sip_stations < cap)
		cap = m->sip_stations;
	if (dm->options.tls && m->tls_stations < cap)
		cap = m->tls_stations;
	return cap;
}
