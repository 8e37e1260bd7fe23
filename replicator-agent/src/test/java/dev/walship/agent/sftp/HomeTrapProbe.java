package dev.walship.agent.sftp;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * Run in a JVM whose {@code user.home} holds a {@code .ssh/config} and an {@code id_ed25519} that
 * would log in (see {@link SshClientFactoryTest}). Prints one {@code RESULT <mode> …} line.
 *
 * <p>Modes: {@code mina-alias} and {@code mina-direct} use MINA's default client (the control: they
 * show the trap works); {@code store-alias} and {@code store-direct} use the store. Arguments: mode
 * port stranger-key host-key-fingerprint.
 */
public final class HomeTrapProbe {
  static final String ALIAS = "walship-trap-alias";

  private HomeTrapProbe() {}

  public static void main(String[] args) {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    try {
      switch (mode) {
        case "mina-alias" -> minaDefaults(ALIAS, 0); // 0: the port comes from the config
        case "mina-direct" -> minaDefaults("127.0.0.1", port);
        case "store-alias" -> store(ALIAS, 22, args);
        case "store-direct" -> store("127.0.0.1", port, args);
        default -> throw new IllegalArgumentException(mode);
      }
      System.out.println("RESULT " + mode + " LOGGED-IN");
    } catch (Exception e) {
      System.out.println("RESULT " + mode + " FAILED " + e.getMessage());
    }
    System.exit(0);
  }

  private static void minaDefaults(String host, int port) throws Exception {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
    try (ClientSession s =
        client.connect("root", host, port).verify(Duration.ofSeconds(10)).getSession()) {
      s.auth().verify(Duration.ofSeconds(10));
    } finally {
      client.stop();
    }
  }

  private static void store(String host, int port, String[] args) throws Exception {
    SftpTarget t =
        new SftpTarget(host, port, "root", null, "", Path.of(args[2]), null, args[3], null);
    SftpOptions o = SftpOptions.defaults().withReconnect(1, Duration.ZERO, Duration.ZERO);
    try (SftpReplicaStore store = SftpReplicaStore.open(t, o)) {
      store.checkAccess();
    }
  }
}
