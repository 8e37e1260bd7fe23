package dev.walship.agent.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The class-data-sharing training run does a real restore over SFTP and from file:// (any step that
 * fails fails it, so an archive is never trained on an error path) and leaves nothing behind.
 */
class CdsTrainingTest {
  @Test
  void restoresOverSftpAndFromAFileReplicaAndCleansUp() throws Exception {
    List<Path> before = trainingDirs();
    CdsTraining.main(new String[0]);
    assertEquals(before, trainingDirs(), "the training's temporary directory is removed");
  }

  private static List<Path> trainingDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("walship-cds-training"))
          .sorted()
          .toList();
    }
  }
}
