/*
 * reload.c - the lexicon and the menus replaced while the daemon runs
 * (SIGHUP). Every context actions_new makes is listed here. Readers hold a
 * lock for reading around each batch of messages, each tick and each
 * console request; actions_reload holds it for writing while it swaps the
 * pointers of every context, so no message is ever read with half of a
 * reload, and none waits longer than one batch.
 */
#include "actions/actions_int.h"
#include "common/common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static pthread_rwlock_t lexicon_lock;
static pthread_once_t lock_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct actions **contexts;
static int ncontexts, cap;
static atomic_ulong generation;

/* A writer waiting must not be starved by a steady flow of MO batches:
 * glibc's default rwlock prefers readers. (Nobody takes it twice on one
 * thread, which a writer-preferring lock would not survive.) */
static void
lock_init(void)
{
	pthread_rwlockattr_t at;

	pthread_rwlockattr_init(&at);
	pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lexicon_lock, &at);
	pthread_rwlockattr_destroy(&at);
}

void
actions_lexicon_hold(void)
{
	pthread_once(&lock_once, lock_init);
	pthread_rwlock_rdlock(&lexicon_lock);
}

void
actions_lexicon_release(void)
{
	pthread_rwlock_unlock(&lexicon_lock);
}

unsigned long
act_lexicon_generation(void)
{
	return atomic_load(&generation);
}

void
act_context_add(struct actions *a)
{
	pthread_mutex_lock(&list_mu);
	if (ncontexts == cap) {
		cap = cap ? cap * 2 : 8;
		contexts = xrealloc(contexts, (size_t)cap * sizeof *contexts);
	}
	contexts[ncontexts++] = a;
	pthread_mutex_unlock(&list_mu);
}

void
act_context_remove(struct actions *a)
{
	pthread_mutex_lock(&list_mu);
	for (int i = 0; i < ncontexts; i++)
		if (contexts[i] == a) {
			contexts[i] = contexts[--ncontexts];
			break;
		}
	if (ncontexts == 0) {
		free(contexts);
		contexts = NULL;
		cap = 0;
	}
	pthread_mutex_unlock(&list_mu);
}

void
actions_reload(const struct parser *p, const struct menu_def *menus)
{
	pthread_once(&lock_once, lock_init);
	pthread_rwlock_wrlock(&lexicon_lock);
	pthread_mutex_lock(&list_mu);
	for (int i = 0; i < ncontexts; i++) {
		contexts[i]->p = p;
		contexts[i]->conf.menus = menus;
	}
	pthread_mutex_unlock(&list_mu);
	/* caches keyed by the parser's address (ussd.c) must not take a new
	 * parser at an old one's address for the old one */
	atomic_fetch_add(&generation, 1);
	pthread_rwlock_unlock(&lexicon_lock);
}
