/* The connection table: 4-tuple -> socket. */
#include "net/net_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/siphash.h"

bool tcpn_tuple_equal(const tcps_tuple *a, const tcps_tuple *b)
{
	if (a->family != b->family || a->local_port != b->local_port || a->remote_port != b->remote_port)
		return false;
	size_t n = tcpn_alen(a->family);
	return !memcmp(a->local_addr, b->local_addr, n) && !memcmp(a->remote_addr, b->remote_addr, n);
}

static uint32_t hash(const tcpn_table *t, const tcps_tuple *k)
{
	uint8_t msg[37];
	size_t n = tcpn_alen(k->family), len = 0;
	msg[len++] = k->family;
	memcpy(msg + len, k->local_addr, n);
	len += n;
	memcpy(msg + len, k->remote_addr, n);
	len += n;
	memcpy(msg + len, &k->local_port, 2);
	len += 2;
	memcpy(msg + len, &k->remote_port, 2);
	len += 2;
	return (uint32_t)tcps_siphash24(t->key, msg, len);
}

int tcpn_table_init(tcpn_table *t, uint32_t buckets, const uint8_t key[16])
{
	uint32_t n = 16;
	while (n < buckets && n < (1u << 30))
		n <<= 1;
	memset(t, 0, sizeof *t);
	t->bucket = calloc(n, sizeof *t->bucket);
	if (!t->bucket)
		return TCPS_ERR_NOMEM;
	t->mask = n - 1;
	memcpy(t->key, key, 16);
	return 0;
}

void tcpn_table_free(tcpn_table *t)
{
	free(t->bucket);
	t->bucket = NULL;
}

tcpn_sock *tcpn_table_find(const tcpn_table *t, const tcps_tuple *k)
{
	for (tcpn_sock *s = t->bucket[hash(t, k) & t->mask]; s; s = s->hnext)
		if (tcpn_tuple_equal(&s->tuple, k))
			return s;
	return NULL;
}

/* Doubles the buckets when chains would grow past one socket on average.
 * On allocation failure the table keeps working, only with longer chains. */
static void grow(tcpn_table *t)
{
	uint32_t n = (t->mask + 1) * 2;
	if (n == 0 || n > (1u << 30))
		return;
	tcpn_sock **b = calloc(n, sizeof *b);
	if (!b)
		return;
	for (uint32_t i = 0; i <= t->mask; i++) {
		tcpn_sock *s = t->bucket[i];
		while (s) {
			tcpn_sock *next = s->hnext;
			uint32_t h = hash(t, &s->tuple) & (n - 1);
			s->hnext = b[h];
			b[h] = s;
			s = next;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->mask = n - 1;
}

void tcpn_table_insert(tcpn_table *t, tcpn_sock *s)
{
	if (t->count >= t->mask + 1)
		grow(t);
	uint32_t h = hash(t, &s->tuple) & t->mask;
	s->hnext = t->bucket[h];
	t->bucket[h] = s;
	t->count++;
	s->flags |= TCPN_SK_HASHED;
}

void tcpn_table_remove(tcpn_table *t, tcpn_sock *s)
{
	if (!(s->flags & TCPN_SK_HASHED))
		return;
	for (tcpn_sock **pp = &t->bucket[hash(t, &s->tuple) & t->mask]; *pp; pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			s->hnext = NULL;
			s->flags &= (uint8_t)~TCPN_SK_HASHED;
			t->count--;
			return;
		}
	}
}

void tcpn_table_foreach(tcpn_table *t, void (*fn)(tcpn_sock *s, void *arg), void *arg)
{
	for (uint32_t i = 0; i <= t->mask; i++) {
		tcpn_sock *s = t->bucket[i];
		while (s) {
			tcpn_sock *next = s->hnext;
			fn(s, arg);
			s = next;
		}
	}
}
