package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.toolkit.time.Backoff;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SftpOptionsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    SftpOptions o = SftpOptions.defaults();
    assertEquals(Duration.ofSeconds(10), o.connectTimeout());
    assertEquals(Duration.ofSeconds(30), o.authTimeout());
    assertEquals(Duration.ofSeconds(15), o.heartbeatInterval());
    assertEquals(3, o.heartbeatMaxNoReply());
    assertEquals(5, o.reconnectAttempts());
    assertEquals(new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30)), o.backoff());
    assertEquals(Path.of(System.getProperty("user.home")), o.userHome());
  }

  @Test
  void withersChangeOnlyTheirPart() {
    SftpOptions o =
        SftpOptions.defaults()
            .withReconnect(2, Duration.ofMillis(5), Duration.ofMillis(9))
            .withUserHome(Path.of("/nowhere"))
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertEquals(new Backoff(Duration.ofMillis(5), Duration.ofMillis(9)), o.backoff());
    assertEquals(2, o.reconnectAttempts());
    assertEquals(Path.of("/nowhere"), o.userHome());
    assertEquals(Duration.ofSeconds(1), o.connectTimeout());
    assertEquals(Duration.ofSeconds(2), o.authTimeout());
    assertEquals(Duration.ofSeconds(15), o.heartbeatInterval());
  }

  @Test
  void aBadScheduleIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SftpOptions.defaults().withReconnect(0, Duration.ZERO, Duration.ZERO));
  }
}
