package org.celaut.sdk.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.sdk.client.NodeUnavailableException;
import org.celaut.sdk.client.StartOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service finds the ids of its declared dependencies: a variable of the same name (the start's,
 * then the process's) wins, else the {@code NAME=} line of the {@code /.dependencies} the packer
 * wrote. Real files in a temporary folder; the process environment is given to the builder.
 */
class ServiceContextFindsItsDependenciesTest {

  private static final String CHILD = "ab".repeat(32);
  private static final String DB = "0123456789abcdef".repeat(4);
  private static final String OTHER = "cd".repeat(32);

  @TempDir Path tmp;

  private final Map<String, String> processEnv = new HashMap<>();

  /** The packer's format: NAME=<id hex> lines, sorted by name. */
  private Path dependenciesFile(String content) throws Exception {
    return Files.writeString(tmp.resolve("dot-dependencies"), content, StandardCharsets.UTF_8);
  }

  private ServiceContext context(Map<String, String> startVariables, Path dependencies, int port) throws Exception {
    Path cfg = ConfigFiles.write(tmp.resolve("cfg"), ConfigFiles.of(ConfigFiles.gateway("127.0.0.1", port),
        startVariables, Sysresources.getDefaultInstance()));
    return ServiceContext.builder().configFile(cfg).servicesDir(tmp.resolve("services"))
        .dependenciesFile(dependencies).build(processEnv::get);
  }

  private ServiceContext context(Map<String, String> startVariables, Path dependencies) throws Exception {
    return context(startVariables, dependencies, 8090);
  }

  @Test
  void readsTheIdsThePackerListed() throws Exception {
    Path file = dependenciesFile("CHILD_SERVICE=" + CHILD + "\ndb=" + DB.toUpperCase() + "\n");
    try (ServiceContext ctx = context(Map.of(), file)) {
      assertThat(ctx.dependenciesFile()).isEqualTo(file);
      assertThat(ctx.dependency("CHILD_SERVICE")).contains(CHILD);
      assertThat(ctx.dependency("db")).as("ids come back in lowercase").contains(DB);
      assertThat(ctx.dependency("CHILD")).as("a prefix of a name is not the name").isEmpty();
      assertThat(ctx.dependency("child_service")).as("names are case-sensitive").isEmpty();
    }
  }

  @Test
  void aVariableOfTheSameNameOverridesTheFile() throws Exception {
    Path file = dependenciesFile("CHILD_SERVICE=" + CHILD + "\ndb=" + DB + "\n");
    processEnv.put("db", OTHER);
    processEnv.put("CHILD_SERVICE", "  ");  // blank: ignored
    try (ServiceContext ctx = context(Map.of(), file)) {
      assertThat(ctx.dependency("db")).as("process environment").contains(OTHER);
      assertThat(ctx.dependency("CHILD_SERVICE")).as("a blank variable does not hide the file").contains(CHILD);
    }
    processEnv.clear();
    try (ServiceContext ctx = context(Map.of("CHILD_SERVICE", OTHER), file)) {
      assertThat(ctx.dependency("CHILD_SERVICE")).as("a variable set at start").contains(OTHER);
    }
  }

  @Test
  void withoutTheFileOnlyVariablesDeclare() throws Exception {
    processEnv.put("db", DB);
    try (ServiceContext ctx = context(Map.of(), tmp.resolve("absent"))) {
      assertThat(ctx.dependency("db")).contains(DB);
      assertThat(ctx.dependency("CHILD_SERVICE")).isEmpty();
      assertThatThrownBy(() -> ctx.startDependency("CHILD_SERVICE", StartOptions.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("dependency CHILD_SERVICE is not declared")
          .hasMessageContaining(tmp.resolve("absent").toString())
          .hasMessageContaining("pack_config.json");
    }
  }

  @Test
  void aValueThatIsNoServiceIdIsRejectedNamingWhereItWasFound() throws Exception {
    Path file = dependenciesFile("db=" + DB + "\nCHILD_SERVICE=../hello-http\n");
    processEnv.put("db", "abc");
    try (ServiceContext ctx = context(Map.of(), file)) {
      assertThatThrownBy(() -> ctx.dependency("CHILD_SERVICE")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("dependency CHILD_SERVICE").hasMessageContaining(file + " line 2")
          .hasMessageContaining("../hello-http");
      assertThatThrownBy(() -> ctx.dependency("db")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the environment variable db").hasMessageContaining("'abc'");
      assertThatThrownBy(() -> ctx.startDependency("db", StartOptions.defaults()))
          .isInstanceOf(IllegalStateException.class);
      for (String bad : new String[] {"", "A=B", "A\nB"}) {
        assertThatThrownBy(() -> ctx.dependency(bad)).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void aDeclaredDependencyIsStartedThroughTheNode() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ServiceContext ctx = context(Map.of(), dependenciesFile("CHILD_SERVICE=" + CHILD + "\n"), port)) {
      // No node listens: the start got as far as the node, so the id was found and valid.
      assertThatThrownBy(() -> ctx.startDependency("CHILD_SERVICE", StartOptions.defaults()))
          .isInstanceOf(NodeUnavailableException.class);
    }
  }

  @Test
  void theDefaultFileIsTheOneThePackerWrites() throws Exception {
    Path cfg = ConfigFiles.write(tmp.resolve("cfg"), ConfigFiles.of(ConfigFiles.gateway("127.0.0.1", 8090),
        Map.of(), Sysresources.getDefaultInstance()));
    try (ServiceContext ctx = ServiceContext.fromConfigFile(cfg)) {
      assertThat(ctx.dependenciesFile()).isEqualTo(Path.of("/.dependencies"))
          .isEqualTo(ServiceContext.DEFAULT_DEPENDENCIES_FILE);
    }
  }
}
