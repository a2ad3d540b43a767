/*
 * record.c — the growable record vector (see record.h).
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

record_t *recvec_push(recvec_t *rv)
{
	GROW(rv->v, rv->cap, rv->n + 1);
	record_t *r = &rv->v[rv->n++];
	memset(r, 0, sizeof *r);
	return r;
}

void recvec_release(recvec_t *rv)
{
	free(rv->v);
	rv->v = NULL;
	rv->n = rv->cap = 0;
}
