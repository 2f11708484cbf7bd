#!/usr/bin/env python3
# slow_clients.py SRC PORT N OUT STOPFILE: opens N connections to 127.0.0.1:PORT from the
# source address SRC and keeps each one trickling a request, one byte every 0.5 s, the way a
# slowloris client does. Every 0.5 s OUT is rewritten with one line
# "connected=C open=O closed=K" (closed: the server ended the connection). Runs until
# STOPFILE exists. Used by tests/it/test_conn_exhaustion.sh.
import os
import socket
import sys
import time

src, port, n, out, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
LINE = b"GET /kannel/mo?from=0912345678&text=HD&id=slow HTTP/1.1\r\nHost: x\r\n"
PAD = b"X-Pad: a\r\n"     # then header lines, never the empty line that ends them


def byte(p):
    return LINE[p:p + 1] if p < len(LINE) else PAD[(p - len(LINE)) % len(PAD):][:1]
conns = []      # [socket, bytes sent, closed]
connected = 0


def report():
    live = sum(1 for c in conns if not c[2])
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("connected=%d open=%d closed=%d\n" % (connected, live, len(conns) - live))
    os.replace(tmp, out)


def poll(c):
    """marks c closed when the server has ended it"""
    try:
        if c[0].recv(4096) == b"":
            c[2] = True
    except BlockingIOError:
        pass
    except OSError:
        c[2] = True


for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(0.5)
    try:
        s.connect(("127.0.0.1", port))
        connected += 1
        s.setblocking(False)
        s.send(byte(0))
        conns.append([s, 1, False])
    except OSError:
        s.close()
    if i % 100 == 99:
        report()
report()
while not os.path.exists(stop):
    time.sleep(0.5)
    for c in conns:
        if c[2]:
            continue
        poll(c)
        if c[2]:
            continue
        try:
            c[0].send(byte(c[1]))
            c[1] += 1
        except BlockingIOError:
            pass
        except OSError:
            c[2] = True
    report()
for c in conns:
    c[0].close()
