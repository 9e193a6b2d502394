package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input is a {@link PackException} naming the file and field (or the image
 * path) at fault, and leaves nothing behind: no output, no temporary file, no build folder.
 */
class BadInputIsRejectedTest {

  @TempDir Path tmp;

  private final ServicePacker packer = new ServicePacker();

  interface Setup {
    void apply(TestProject p) throws IOException;
  }

  /** A valid spec with {@code extra} spliced in as more top-level fields. */
  private static String with(String extra) {
    return "{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\", "
        + extra + "}";
  }

  private static Arguments bad(String expected, Setup setup) {
    return Arguments.of(expected, setup);
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        bad(".service/service.json: not found",
            p -> Files.delete(p.dir.resolve(ServicePacker.SERVICE_JSON))),
        bad("service.json: malformed JSON at line 2, column 12: Unexpected character (',' (code 44)): expected a value",
            p -> p.json("{\"tag\": \"t\",\n \"api\": [1,,2]}")),
        bad("service.json: malformed JSON at line 1, column 19: Duplicate field 'tag'",
            p -> p.json("{\"tag\": \"t\", \"tag\": \"u\"}")),
        bad("service.json: malformed JSON", p -> p.json(TestProject.MINIMAL_JSON + " {}")),
        bad("service.json: empty file", p -> p.json("")),
        bad("service.json: must be an object, got array", p -> p.json("[]")),
        bad("service.json: entrypont: unknown field (known: api, architecture, ",
            p -> p.json(with("\"entrypont\": \"/bin/run\""))),
        bad("service.json: api[0].prot: unknown field (known: port, protocol, transport)",
            p -> p.json(with("\"api\": [{\"port\": 1, \"prot\": []}]"))),
        bad("service.json: tag: required",
            p -> p.json("{\"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}")),
        bad("service.json: tag: must be a string, got number 5",
            p -> p.json("{\"tag\": 5, \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}")),
        bad("service.json: tag: must be 1..128 of [A-Za-z0-9._-]",
            p -> p.json("{\"tag\": \"../up\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}")),
        bad("service.json: architecture: required",
            p -> p.json("{\"tag\": \"t\", \"entrypoint\": \"/bin/run\"}")),
        bad("service.json: architecture: must not be empty",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"\", \"entrypoint\": \"/bin/run\"}")),
        bad("service.json: entrypoint: required",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\"}")),
        bad("service.json: entrypoint: must be a string, got array",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": [\"bin\"]}")),
        bad("service.json: entrypoint: must be an absolute path such as \"/bin/service\", got \"bin/run\"",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"bin/run\"}")),
        bad("service.json: entrypoint: must be a plain absolute path (no empty, \".\" or \"..\" parts), got \"/bin/../bin/run\"",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/../bin/run\"}")),
        bad("service.json: entrypoint: give either entrypoint or init.entry_path, not both",
            p -> p.json(with("\"init\": {\"entry_path\": [\"bin\", \"run\"]}"))),
        bad("service.json: init.entry_path[1]: must be one path segment",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"init\": {\"entry_path\": [\"bin\", \"a/b\"]}}")),
        bad("service.json: entrypoint: /bin/nope does not exist in rootfs",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/nope\"}")),
        bad("service.json: entrypoint: /bin/run is not executable (mode 0644); chmod +x it in rootfs",
            p -> Files.setPosixFilePermissions(p.at("/bin/run"), PosixFilePermissions.fromString("rw-r--r--"))),
        bad("service.json: entrypoint: /bin is a directory, not an executable file",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin\"}")),
        bad("service.json: entrypoint: /bin/sh (resolved to /bin/missing) does not exist in rootfs",
            p -> p.link("/bin/sh", "missing")
                .json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/sh\"}")),
        bad("service.json: entrypoint: /bin/loop too many levels of symbolic links",
            p -> p.link("/bin/loop", "loop")
                .json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/loop\"}")),
        bad("service.json: entrypoint: /bin/run/x (resolved to /bin/run) is not a directory",
            p -> p.json("{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run/x\"}")),
        bad("service.json: api: must be an array, got object", p -> p.json(with("\"api\": {}"))),
        bad("service.json: api[0].port: must be 1..65535, got 0",
            p -> p.json(with("\"api\": [{\"port\": 0}]"))),
        bad("service.json: api[1].port: must be 1..65535, got 65536",
            p -> p.json(with("\"api\": [{\"port\": 80}, {\"port\": 65536}]"))),
        bad("service.json: api[0].port: must be an integer, got string \"8080\"",
            p -> p.json(with("\"api\": [{\"port\": \"8080\"}]"))),
        bad("service.json: api[0].port: must be an integer, got number 80.5",
            p -> p.json(with("\"api\": [{\"port\": 80.5}]"))),
        bad("service.json: api[0].port: required", p -> p.json(with("\"api\": [{\"transport\": \"tcp\"}]"))),
        bad("service.json: api[1].port: port 80 is declared twice",
            p -> p.json(with("\"api\": [{\"port\": 80}, {\"port\": 80, \"transport\": \"udp\"}]"))),
        bad("service.json: api[0].transport: must be \"tcp\" or \"udp\", got \"sctp\"",
            p -> p.json(with("\"api\": [{\"port\": 80, \"transport\": \"sctp\"}]"))),
        bad("service.json: api[0].protocol[1]: must not be empty",
            p -> p.json(with("\"api\": [{\"port\": 80, \"protocol\": [\"http\", \"\"]}]"))),
        bad("service.json: envs: must be an array, got string \"GREETING\"",
            p -> p.json(with("\"envs\": \"GREETING\""))),
        bad("service.json: envs[1]: must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), got \"1X\"",
            p -> p.json(with("\"envs\": [\"OK\", \"1X\"]"))),
        bad("service.json: envs[1]: \"A\" is declared twice", p -> p.json(with("\"envs\": [\"A\", \"A\"]"))),
        bad("service.json: env: unknown field", p -> p.json(with("\"env\": {\"A\": \"1\"}"))),
        bad("service.json: resources.at_init.mem_limit: must be 0..18446744073709551615, got -1",
            p -> p.json(with("\"resources\": {\"at_init\": {\"mem_limit\": -1}}"))),
        bad("service.json: resources.at_most.memory: unknown field",
            p -> p.json(with("\"resources\": {\"at_most\": {\"memory\": 1}}"))),
        bad("service.json: resources.at_init.blkio_weight: must be 10..1000, got 5",
            p -> p.json(with("\"resources\": {\"at_init\": {\"blkio_weight\": 5}}"))),
        bad("service.json: resources.limits: unknown field",
            p -> p.json(with("\"resources\": {\"limits\": {}}"))),
        bad("service.json: config_declaration: must have at least one path segment",
            p -> p.json(with("\"config_declaration\": []"))),
        bad("service.json: network[0].tags: must name at least one network",
            p -> p.json(with("\"network\": [{\"tags\": []}]"))),
        bad("service.json: network[0].prose: must be a string, got null",
            p -> p.json(with("\"network\": [{\"tags\": [\"*\"], \"prose\": null}]"))),
        bad("service.json: rootfs: ",
            p -> p.json(with("\"rootfs\": \"missing\""))),
        bad("service.json: rootfs: must be a non-empty path relative to the project directory, got \"/abs\"",
            p -> p.json(with("\"rootfs\": \"/abs\""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void isRejectedNamingTheFieldAndWritesNothing(String expected, Setup setup) throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    setup.apply(p);
    Path out = tmp.resolve("out/x.service");

    assertThatThrownBy(() -> packer.pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageContaining(expected);
    assertThatThrownBy(() -> packer.pack(p.dir, out))
        .isInstanceOf(PackException.class)
        .hasMessageContaining(expected);
    assertThat(p.dir.resolve(ServicePacker.BUILD_DIR)).doesNotExist();
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void theMessageIsExactlyFileFieldAndProblem() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).json(with("\"api\": [{\"port\": 0}]"));

    assertThatThrownBy(() -> packer.pack(p.dir))
        .hasMessage("service.json: api[0].port: must be 1..65535, got 0");
  }

  @Test
  void aMissingRootfsIsNamed() throws Exception {
    TestProject p = TestProject.empty(tmp.resolve("p")).json(TestProject.MINIMAL_JSON);

    assertThatThrownBy(() -> packer.pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageStartingWith("service.json: rootfs: ")
        .hasMessageEndingWith("rootfs is not a directory (it does not exist)");
  }

  @Test
  void aFifoIsRejectedNamingItsPathInTheImage() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).dir("/run", "rwxr-xr-x");
    Process mkfifo = new ProcessBuilder("mkfifo", p.at("/run/pipe").toString()).start();
    assumeThat(mkfifo.waitFor()).as("mkfifo available").isZero();

    assertThatThrownBy(() -> packer.pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessage(
            "rootfs: /run/pipe: is a fifo (named pipe); only regular files, directories and"
                + " symbolic links can go into a service");
    assertThat(p.dir.resolve(ServicePacker.BUILD_DIR)).doesNotExist();
  }

  @Test
  void aSocketIsRejectedNamingItsPathInTheImage() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).dir("/run", "rwxr-xr-x");
    Path socket = p.at("/run/s.sock");
    try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      ch.bind(java.net.UnixDomainSocketAddress.of(socket));

      assertThatThrownBy(() -> packer.pack(p.dir))
          .isInstanceOf(PackException.class)
          .hasMessageStartingWith("rootfs: /run/s.sock: is a socket;");
    }
  }

  @Test
  void anOutputInsideRootfsIsRefused() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    Path out = p.at("/srv/me.service");

    assertThatThrownBy(() -> packer.pack(p.dir, out))
        .isInstanceOf(PackException.class)
        .hasMessageStartingWith("output: " + out + " is inside rootfs");
    assertThat(p.at("/srv")).doesNotExist();
  }

  @Test
  void theDefaultOutputIsRefusedWhenRootfsIsTheSpecFolderItself() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).json(with("\"rootfs\": \".service\""));

    assertThatThrownBy(() -> packer.pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageContaining(".service/build/t.service is inside rootfs");
    assertThat(p.dir.resolve(ServicePacker.BUILD_DIR)).doesNotExist();
  }

  @Test
  void anOutputReachedThroughALinkIntoRootfsIsRefused() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    Files.createSymbolicLink(tmp.resolve("alias"), p.rootfs());

    assertThatThrownBy(() -> packer.pack(p.dir, tmp.resolve("alias/bin/x.service")))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("is inside rootfs");
    assertThat(TestProject.listAll(p.at("/bin"))).containsExactly(p.at("/bin/run"));
  }

  @Test
  void aProjectThatIsNotADirectoryIsNamed() {
    Path nowhere = tmp.resolve("nowhere");

    assertThatThrownBy(() -> packer.pack(nowhere))
        .isInstanceOf(PackException.class)
        .hasMessage(nowhere + ": not a directory (expected a project directory)");
  }
}
