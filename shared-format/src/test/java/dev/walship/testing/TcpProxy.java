package dev.walship.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder (127.0.0.1, port 0) to a target port, so a test can break the network
 * under a client: {@link #cutAll()} drops every current connection at once (with a TCP reset),
 * {@link #cutAfter(long)} does it after some more bytes went through, {@link #blackholeAll()}
 * silently discards everything on the current connections from now on (a network partition: no
 * reset, no data), and {@link #refuse(boolean)} makes new connections fail until it is turned off.
 * Connections accepted later work normally.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> open = new ArrayList<>();
  private final Set<Socket> blackholed = ConcurrentHashMap.newKeySet();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong cutAt = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile boolean refusing;
  private final Thread acceptor;

  private TcpProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts forwarding 127.0.0.1:{@link #port()} to {@code host:port}. */
  public static TcpProxy start(String host, int port) {
    try {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      return new TcpProxy(s, new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far (refused ones included). */
  public int accepted() {
    return accepted.get();
  }

  /** How many times connections were cut. */
  public int cuts() {
    return cuts.get();
  }

  /** Bytes forwarded so far, both directions. */
  public long forwarded() {
    return forwarded.get();
  }

  /** Cuts every current connection now. */
  public void cutAll() {
    List<Socket> victims;
    synchronized (open) {
      victims = new ArrayList<>(open);
      open.clear();
    }
    cuts.incrementAndGet();
    for (Socket s : victims) {
      reset(s);
    }
  }

  /** From now on, discards every byte of the current connections and keeps them open. */
  public void blackholeAll() {
    synchronized (open) {
      blackholed.addAll(open);
    }
  }

  /** Cuts every current connection once {@code bytes} more bytes have been forwarded. */
  public void cutAfter(long bytes) {
    cutAt.set(forwarded.get() + bytes);
  }

  /** While on, new connections are accepted and closed at once (like a server going away). */
  public void refuse(boolean on) {
    refusing = on;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        if (refusing) {
          reset(client);
          continue;
        }
        client.setTcpNoDelay(true); // SSH's small packets must not wait for Nagle
        Socket server = new Socket();
        server.setTcpNoDelay(true);
        server.connect(target, 5000);
        synchronized (open) {
          open.add(client);
          open.add(server);
        }
        pump(client, server, "up");
        pump(server, client, "down");
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[BUFFER];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  if (blackholed.contains(from)) {
                    continue;
                  }
                  out.write(buf, 0, n);
                  if (forwarded.addAndGet(n) >= cutAt.get()) {
                    cutAt.set(Long.MAX_VALUE);
                    cutAll();
                    return;
                  }
                }
                to.shutdownOutput();
              } catch (IOException e) {
                reset(from);
                reset(to);
              }
            },
            "tcp-proxy-" + direction + "-" + port());
    t.setDaemon(true);
    t.start();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** Stops listening and cuts every connection. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
