package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.walship.server.auth.HostKey;
import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintCommandTest {
  @TempDir Path dir;

  @Test
  void printsWhatSshKeygenPrints() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    HostKey.loadOrCreate(c.hostKey());
    CliRun r = CliRun.run("fingerprint", "-config", c.config().toString());
    String keygen =
        Proc.run(
                Duration.ofSeconds(30),
                TestTools.onPath("ssh-keygen").toString(),
                "-lf",
                c.hostKey().toString())
            .orThrow()
            .stdout();
    assertEquals(0, r.exit(), r.toString());
    assertEquals(keygen, r.out());
  }

  @Test
  void aMissingKeyIsOneLine() {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    CliRun r = CliRun.run("fingerprint", "-config", c.config().toString());
    assertEquals(1, r.exit());
    assertEquals(
        "replica-server: host key "
            + c.hostKey()
            + " does not exist (it is created on the first 'serve')\n",
        r.err());
  }
}
