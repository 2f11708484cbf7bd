/*
 * fixed_h2o.c - bench/http_libs.sh's h2o server (libh2o-evloop, one
 * thread, its own epoll loop): POST /ussd, the form body read, always the
 * same fixed home screen (200 text/plain), as bench/fixed_mhd.c serves it
 * with libmicrohttpd. A benchmark program only: langso does not link h2o.
 *
 *   fixed_h2o PORT
 *
 * h2o 2.2 hands the handler a request whose body is already whole
 * (req->entity, in the request's pool): one handler call per request.
 * On SIGTERM or SIGINT it leaves its loop and prints one line:
 *   SERVED requests=N calls=N cpu_s=S
 */
#include <h2o.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

/* langso's home screen (conf/menus.conf) as menus/ renders it */
static const char screen[] = "CON Lang So - cho nong san\n1.Ban hang\n2.Xem gia\n3.Tim va mua\n"
    "4.Tin ban cua toi\n5.Don mua gui toi\n6.Thong bao thon\n7.Dang ky ho\n8.Khac";

static h2o_globalconf_t config;
static h2o_context_t ctx;
static h2o_accept_ctx_t accept_ctx;
static h2o_socket_t *listener;
static volatile sig_atomic_t stop;
static unsigned long requests, body_bytes;

static void
on_signal(int sig)
{
	(void)sig;	/* unused: signal handler signature */
	stop = 1;
}

static int
on_ussd(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;	/* unused: h2o handler signature */
	if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST")) ||
	    !h2o_memis(req->path_normalized.base, req->path_normalized.len, H2O_STRLIT("/ussd")) ||
	    req->entity.base == NULL)
		return -1;	/* h2o answers 404 */
	requests++;
	body_bytes += req->entity.len;
	req->res.status = 200;
	req->res.reason = "OK";
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	    H2O_STRLIT("text/plain; charset=UTF-8"));
	/* h2o 2.2's send_inline leaves the length unset (chunked otherwise) */
	req->res.content_length = sizeof screen - 1;
	h2o_send_inline(req, screen, sizeof screen - 1);
	return 0;
}

static void
on_accept(h2o_socket_t *lsock, const char *err)
{
	h2o_socket_t *sock;

	if (err != NULL)
		return;
	if ((sock = h2o_evloop_socket_accept(lsock)) == NULL)
		return;
	h2o_accept(&accept_ctx, sock);
}

static int
listen_on(int port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	/* the same listen backlog as gateway/http.c */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0)
		return -1;
	listener = h2o_evloop_socket_create(ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
	h2o_socket_read_start(listener, on_accept);
	return 0;
}

int
main(int argc, char **argv)
{
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	h2o_handler_t *handler;
	struct sigaction sa;
	struct rusage ru;

	if (argc < 2) {
		fprintf(stderr, "usage: fixed_h2o PORT\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	h2o_config_init(&config);
	/* no Server header: MHD sends none either (h2o still sends Date) */
	config.server_name = h2o_iovec_init(H2O_STRLIT(""));
	host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/ussd", 0);
	handler = h2o_create_handler(path, sizeof *handler);
	handler->on_req = on_ussd;
	h2o_context_init(&ctx, h2o_evloop_create(), &config);
	accept_ctx.ctx = &ctx;
	accept_ctx.hosts = config.hosts;
	if (listen_on(atoi(argv[1])) != 0) {
		fprintf(stderr, "fixed_h2o: cannot listen on 127.0.0.1:%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* the loop wakes at least every 100 ms to see a signal's flag */
	while (!stop)
		h2o_evloop_run(ctx.loop, 100);
	getrusage(RUSAGE_SELF, &ru);
	printf("SERVED requests=%lu calls=%lu cpu_s=%.3f body_bytes=%lu\n", requests, requests,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6, body_bytes);
	fflush(stdout);
	/* nothing is disposed: h2o 2.2 has no call that closes the
	 * connections still open, and h2o_context_dispose aborts on one (the
	 * load generator may still hold them when the bench stops us); the
	 * figures are out, the process ends */
	h2o_socket_read_stop(listener);
	h2o_socket_close(listener);
	return 0;
}
