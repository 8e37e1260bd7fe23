package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 5,000 connections from one address that never log in, against a server with the default settings
 * in its own process with a 256 MiB heap: a user on another address still logs in within 2 s, and
 * the server lives on.
 */
class LoginFloodTest {
  private static final int FLOOD = 5000;

  @TempDir Path dir;

  @Test
  void fiveThousandIdleConnectionsFromOneAddressKeepNobodyElseOut() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    try (ServerProcess server = ServerProcess.serve(c.config(), dir.resolve("server.log"))) {
      int port = server.port();
      // The real user logs in from 127.0.0.2 (loopback: any 127/8 address is local on Linux).
      OpenSshClient user =
          new OpenSshClient(
                  "replicator",
                  port,
                  c.key().privateKey(),
                  OpenSshClient.knownHosts(
                      dir,
                      port,
                      Files.readString(Path.of(dir + "/state/ssh_host_ed25519_key.pub"))))
              .with("-o", "BindAddress=127.0.0.2");
      assertEquals(0, user.sftp(dir, "pwd").exit(), "warm-up login");
      List<Socket> flood = new ArrayList<>();
      try {
        for (int i = 0; i < FLOOD; i++) {
          Socket s = new Socket();
          flood.add(s);
          try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
          } catch (IOException e) {
            throw new AssertionError("flood connection " + i + ": " + e + "\n" + tail(server), e);
          }
        }
        long start = System.nanoTime();
        Proc.Result r = user.sftp(dir, "pwd");
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.err.println(
            "LoginFloodTest: login from 127.0.0.2 during "
                + FLOOD
                + " connections from 127.0.0.1: "
                + millis
                + " ms");
        assertEquals(0, r.exit(), r + "\n" + tail(server));
        assertTrue(millis < 2000, "logged in after " + millis + " ms\n" + tail(server));
        assertTrue(server.isAlive(), tail(server));
        server.await(
            "refused connection\\(s\\) from 127\\.0\\.0\\.1: \\d+ unauthenticated already \\(limits\\.unauthenticated-per-source\\)");
        assertTrue(
            server.count("refused connection") < 10,
            "refusals are summarized, not logged one by one:\n" + tail(server));
      } finally {
        for (Socket s : flood) {
          close(s);
        }
      }
      assertTrue(!server.log().contains("OutOfMemoryError"), tail(server));
      server.terminate();
      assertEquals(0, server.exit(Duration.ofSeconds(20)), tail(server));
    }
  }

  private static String tail(ServerProcess server) {
    List<String> lines = server.logLines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
