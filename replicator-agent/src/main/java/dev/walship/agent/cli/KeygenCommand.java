package dev.walship.agent.cli;

import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code replicator keygen}: the agent's ed25519 login key in OpenSSH's format (mode 0600, and its
 * {@code .pub} line), without needing {@code ssh-keygen}. An existing key is kept, never replaced:
 * its public line is printed again. The public line goes to stdout, for ALPHA's authorized-keys
 * file.
 *
 * <p>A key in a directory shared with one group only (group {@code r-x}, nothing for others, as
 * {@code scripts/install --bravo} makes {@code /etc/replicator}: root, group of the service user,
 * 0750) is made readable by that group (0640): the agent's unit runs as another user than root, who
 * runs keygen, and must read the key, but cannot change it.
 */
@Command(
    name = "keygen",
    description = "Make the agent's ed25519 SSH key (kept if it exists) and print its public line.")
public final class KeygenCommand implements Callable<Integer> {
  @Mixin HelpOption help;

  @Option(
      names = {"-f", "--f"},
      paramLabel = "FILE",
      description =
          "Private key file. Default: /etc/replicator/id_ed25519 as root, else ~/.config/walship/id_ed25519.")
  String file;

  @Option(
      names = {"-C", "--C"},
      paramLabel = "COMMENT",
      description = "Comment of the public line. Default: replicator@<host>.")
  String comment;

  private final CliContext ctx;
  private final boolean root;

  public KeygenCommand(CliContext ctx, boolean root) {
    this.ctx = ctx;
    this.root = root;
  }

  @Override
  public Integer call() throws ConfigException, IOException, GeneralSecurityException {
    Path key =
        file != null
            ? ctx.paths().expand(file)
            : root
                ? Path.of("/etc/replicator/id_ed25519")
                : ctx.paths().expand("~/.config/walship/id_ed25519");
    Path pub = Path.of(key + ".pub");
    String line;
    if (Files.exists(key)) {
      line = publicLine(key);
      ctx.err().println("kept the existing key " + key);
    } else {
      line = create(key);
      ctx.err()
          .println(
              "made "
                  + key
                  + " (ed25519, no passphrase; add one with ssh-keygen -p -f "
                  + key
                  + ", then set key-passphrase)");
    }
    if (!Files.exists(pub)) {
      Files.writeString(pub, line + "\n");
    }
    String group = shareWithDirectoryGroup(key);
    if (group != null) {
      ctx.err()
          .println(key + " is readable by group " + group + " (mode 0640), as its directory is");
    }
    ctx.err()
        .println(
            "# append this line on ALPHA to the authorized-keys file of the SFTP user"
                + " (e.g. /etc/replica-server/authorized_keys_replicator); on BRAVO set key-path: "
                + key);
    ctx.out().println(line);
    return CliErrors.OK;
  }

  private String create(Path key) throws IOException, GeneralSecurityException {
    Path dir = key.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    KeyPairGenerator g = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519);
    KeyPair pair = g.generateKeyPair();
    String name = comment != null ? comment : "replicator@" + hostName();
    try (OutputStream out =
        Files.newOutputStream(
            Files.createFile(
                key,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
            StandardOpenOption.WRITE)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, name, null, out);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(key + " appeared while the key was being made; not replacing it", e);
    }
    return PublicKeyEntry.toString(pair.getPublic()) + " " + name;
  }

  /**
   * Gives {@code key} its directory's group and mode 0640 when that directory is shared with one
   * group only.
   */
  static String shareWithDirectoryGroup(Path key) throws IOException {
    Path dir = key.toAbsolutePath().getParent();
    PosixFileAttributes d = Files.readAttributes(dir, PosixFileAttributes.class);
    Set<PosixFilePermission> p = d.permissions();
    boolean groupOnly =
        p.contains(PosixFilePermission.GROUP_READ)
            && p.contains(PosixFilePermission.GROUP_EXECUTE)
            && !p.contains(PosixFilePermission.OTHERS_READ)
            && !p.contains(PosixFilePermission.OTHERS_EXECUTE);
    PosixFileAttributes k = Files.readAttributes(key, PosixFileAttributes.class);
    if (!groupOnly || d.group().getName().equals(k.owner().getName())) {
      return null; // not shared, or shared with the owner's own group only
    }
    Files.getFileAttributeView(key, PosixFileAttributeView.class).setGroup(d.group());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    return d.group().getName();
  }

  private static String publicLine(Path key) throws IOException, GeneralSecurityException {
    Path pub = Path.of(key + ".pub");
    if (Files.exists(pub)) {
      return Files.readString(pub).trim();
    }
    var pairs =
        OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, new PathResource(key), null);
    if (pairs.isEmpty()) {
      throw new IOException(key + ": not an OpenSSH private key (and no " + pub + " beside it)");
    }
    return PublicKeyEntry.toString(pairs.iterator().next().getPublic());
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
