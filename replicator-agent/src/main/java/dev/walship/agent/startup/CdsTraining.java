package dev.walship.agent.startup;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.cli.LogSetup;
import dev.walship.agent.config.PathExpander;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.FileReplicaStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The training run of the class-data-sharing archive: {@code java
 * -XX:ArchiveClassesAtExit=replicator.jsa -cp replicator.jar dev.walship.agent.startup.CdsTraining}
 * does, in one JVM and in a temporary directory, what a {@code replicator restore} does, so the
 * classes it loads (picocli, logback, Bouncy Castle, the MINA client, SQLite, LZ4, the restore) are
 * archived and later mapped instead of being loaded and verified one by one.
 *
 * <p>It makes a throwaway key with {@code replicator keygen}, writes a small Litestream-layout
 * replica (a snapshot and one WAL segment of a real SQLite database), serves it from an SFTP server
 * on 127.0.0.1 port 0 that only accepts that key, and restores it over SFTP and from {@code
 * file://}, through {@link Main#run} as the command line would. Exits non-zero, with the commands'
 * output, when a step fails; everything it made is deleted.
 */
public final class CdsTraining {
  private static final Generation GENERATION = Generation.parse("00000000000c0d5a");

  private static final String ROWS =
      "with recursive c(i) as (select 1 union all select i + 1 from c where i < 64)"
          + " insert into t(v) select randomblob(3000) from c";

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    LogSetup.defaults();
    Path dir = Files.createTempDirectory("walship-cds-training");
    try {
      train(dir);
    } finally {
      deleteTree(dir);
    }
  }

  private static void train(Path dir) throws Exception {
    Path key = dir.resolve("id_ed25519");
    run("keygen", "-f", key.toString(), "-C", "cds-training");
    Path replica = dir.resolve("root/replica");
    writeReplica(dir.resolve("src.db"), replica);
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new FileKeyPairProvider(key));
    server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(Path.of(key + ".pub")));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    server.setFileSystemFactory(new VirtualFileSystemFactory(dir.resolve("root")));
    server.start();
    try {
      PublicKey hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
      String url = "sftp://training@127.0.0.1:" + server.getPort() + "/replica";
      String fp = KeyUtils.getFingerPrint(hostKey);
      run("generations", "-host-key", fp, "-key-path", key.toString(), url);
      run(
          "restore",
          "-host-key",
          fp,
          "-key-path",
          key.toString(),
          "-o",
          dir.resolve("sftp.db").toString(),
          url);
    } finally {
      server.stop(true);
    }
    run("restore", "-o", dir.resolve("file.db").toString(), replica.toUri().toString());
  }

  /** A snapshot of a table with a few rows, then one WAL segment that adds more in one commit. */
  private static void writeReplica(Path db, Path replica) throws IOException, SQLException {
    byte[] snapshot;
    byte[] wal;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("create table t(id integer primary key, v blob)");
      s.execute(ROWS);
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      snapshot = Files.readAllBytes(db);
      s.execute(ROWS);
      wal = Files.readAllBytes(Path.of(db + "-wal"));
    }
    FileReplicaStore store = new FileReplicaStore(replica);
    Instant now = Instant.now();
    store.write(new SnapshotName(GENERATION, 0), now, out -> lz4(out, snapshot));
    store.write(new WalSegmentName(GENERATION, 0, 0), now, out -> lz4(out, wal));
  }

  private static void lz4(OutputStream out, byte[] b) throws IOException {
    OutputStream z = Lz4.compressingKeepOpen(out);
    z.write(b);
    z.close();
  }

  private static void run(String... args) {
    StringWriter log = new StringWriter();
    PrintWriter w = new PrintWriter(log, true);
    CliContext ctx = new CliContext(Map.of(), PathExpander.ofSystem(), w, w);
    int code = Main.run(args, ctx);
    if (code != 0) {
      throw new IllegalStateException(
          "training step failed (exit " + code + "): " + String.join(" ", args) + "\n" + log);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
