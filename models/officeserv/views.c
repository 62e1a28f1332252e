/*
 * views.c - the two DM screens the registrar fills, as text a technician recognises: 6.2.3 SIP
 * Phone Status (STAT-01..05) and 5.2.21 Access Information (ACC-01..03). Both are read-only
 * views of the registrar's state (registrar.c) at the current simulated time, fixed-width so they
 * diff well in golden files. Neither holds anything the server does not print on its own screens:
 * no password, no digest (PWD-04).
 */
#include "config.h"

#include <inttypes.h>

#include "models/officeserv/os_priv.h"

/* Columns of DM 6.2.3; "Non Samsung SIPP" (16) sets the Phone Type width. */
#define STATUS_ROW "%-10s  %-14s  %-16s  %-17s  %-11s  %-11s  %s\n"

/* The Protocol column: the transport of the registration (STAT-05 suggestion). */
static const char *proto_name(enum sim_net_proto p)
{
	switch (p) {
	case SIM_NET_TCP:
		return "TCP";
	case SIM_NET_TLS:
		return "TLS";
	case SIM_NET_UDP:
		break;
	}
	return "UDP";
}

void officeserv_write_status(const struct officeserv *os, GString *out)
{
	g_string_append_printf(out, STATUS_ROW, "Tel Number", "Current Status", "Phone Type",
			       "Public IP Address", "Public Port", "Signal Port", "Protocol");
	for (size_t i = 0; i < os->n_ports; i++) {
		const struct os_port *p = &os->ports[i];
		bool never = p->status == OS_PORT_DISCONNECTED;
		char ip[16], pport[8], sport[8];

		/* STAT-04 reading: a port that registered once keeps showing its last address;
		 * one that never did shows 0.0.0.0, port 0 and 'Disconnected' (STAT-03). */
		sim_ip_str(never ? 0 : p->source.ip, ip, sizeof(ip));
		g_snprintf(pport, sizeof(pport), "%u", never ? 0u : (unsigned)p->source.port);
		g_snprintf(sport, sizeof(sport), "%u", never ? 0u : (unsigned)p->contact.port);
		g_string_append_printf(out, STATUS_ROW, p->st->tel,
				       p->status == OS_PORT_REGISTERED ? "Registered"
								       : "Not Registered",
				       never ? "Disconnected"
					     : p->samsung ? "Samsung SIPP" : "Non Samsung SIPP",
				       ip, pport, sport, never ? "-" : proto_name(p->proto));
	}
}

void officeserv_write_access_log(const struct officeserv *os, GString *out)
{
	g_string_append(out, "Access Information\n");
	g_string_append_printf(out, "%-12s  %-15s  %-10s  %s\n", "Time", "IP Address", "Caller ID",
			       "Reason");
	for (guint i = 0; i < os->access->len; i++) {
		const struct os_access *a = g_ptr_array_index(os->access, i);
		char t[32], ip[16];

		/* Seconds with 3 decimals, truncated: integer arithmetic, same on every machine. */
		g_snprintf(t, sizeof(t), "%" PRId64 ".%03" PRId64, a->time / SIM_S,
			   a->time % SIM_S / SIM_MS);
		g_string_append_printf(out, "%-12s  %-15s  %-10s  %s\n", t,
				       sim_ip_str(a->ip, ip, sizeof(ip)), a->caller_id, a->reason);
	}
}
