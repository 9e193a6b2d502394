package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A malformed pack_config.json is refused with a message naming the field, and nothing is written. */
class PackConfigErrorsNameTheFieldTest {

  @TempDir Path tmp;

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("{", "pack_config.json: malformed JSON at line 1, column 2"),
        Arguments.of("[]", "pack_config.json: must be an object, got array"),
        Arguments.of("{\"includes\": []}", "pack_config.json: includes: unknown field (known: block_threshold_bytes,"),
        Arguments.of("{\"include\": \"bin\"}", "pack_config.json: include: must be an array, got string \"bin\""),
        Arguments.of("{\"ignore\": [3]}", "pack_config.json: ignore[0]: must be a string, got number 3"),
        Arguments.of("{\"ignore\": [\"a[\"]}", "pack_config.json: ignore[0]: not a valid glob"),
        Arguments.of("{\"ignore\": [\"\"]}", "pack_config.json: ignore[0]: must not be empty"),
        Arguments.of("{\"dependencies\": []}", "pack_config.json: dependencies: must be an object, got array"),
        Arguments.of("{\"dependencies\": {\"db\": 5}}", "pack_config.json: dependencies.db: must be a string, got number 5"),
        Arguments.of("{\"dependencies\": {\"a b\": \"x\"}}", "pack_config.json: dependencies.a b: a dependency name must be"),
        Arguments.of("{\"dependencies\": {\"db\": \"../nowhere\"}}", "pack_config.json: dependencies.db: "),
        Arguments.of("{\"dependencies_env\": \"yes\"}", "pack_config.json: dependencies_env: must be true or false, got string \"yes\""),
        Arguments.of("{\"service_dependencies_directory\": \"a/b\"}",
            "pack_config.json: service_dependencies_directory: must be one directory name"),
        Arguments.of("{\"metadata_dependencies_directory\": \"__services__\"}",
            "pack_config.json: metadata_dependencies_directory: \"__services__\" is already used"),
        Arguments.of("{\"block_threshold_bytes\": 0}",
            "pack_config.json: block_threshold_bytes: must be 1..9223372036854775807, got 0"),
        Arguments.of("{\"block_threshold_bytes\": \"10MiB\"}",
            "pack_config.json: block_threshold_bytes: must be an integer, got string \"10MiB\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("bad")
  void isRefusedNamingTheField(String json, String expected) throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    Files.writeString(p.dir.resolve(".service/pack_config.json"), json);

    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageStartingWith(expected);
    assertThat(p.dir.resolve(ServicePacker.BUILD_DIR)).doesNotExist();
  }
}
