package org.celaut.sdk.pack;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A value in a JSON document together with its path ({@code api[0].port}), so that every
 * complaint about it can name where it is. Absent fields are represented by a null node, which
 * lets callers ask {@link #isPresent()} before reading.
 */
final class JsonField {

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final String file;
  private final String path;
  private final JsonNode node;

  private JsonField(String file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  /** The document root of {@code file} (the name used in messages). */
  static JsonField root(String file, JsonNode node) {
    return new JsonField(file, "", node);
  }

  // Duplicate keys would make "which value counts" depend on the parser: refuse them, and
  // anything after the document.
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Parses one JSON document strictly; errors name {@code label} (e.g. {@code service.json}) with
   * the line and column, and an empty document is an error too.
   */
  static JsonField parse(String label, Path file, byte[] bytes) throws PackException {
    JsonNode tree;
    try {
      tree = STRICT.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new PackException(label + ": malformed JSON" + where + ": " + msg, e);
    } catch (IOException e) {
      throw new PackException(file + ": cannot read: " + e, e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new PackException(label + ": empty file, expected a JSON object");
    }
    return root(label, tree);
  }

  String path() {
    return path;
  }

  /** A {@link PackException} about this value: {@code <file>: <path>: <problem>}. */
  PackException error(String problem) {
    return new PackException(file + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }

  /**
   * True if the field was written. An explicit {@code null} counts as written, so that it is
   * reported as a wrong type rather than silently meaning "default".
   */
  boolean isPresent() {
    return node != null;
  }

  JsonField field(String name) {
    return new JsonField(file, path.isEmpty() ? name : path + "." + name, node.get(name));
  }

  /** Checks this is an object whose keys are all in {@code known}; an unknown key is an error. */
  JsonField requireObject(Set<String> known) throws PackException {
    if (node == null || !node.isObject()) {
      throw error("must be an object, got " + describe());
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw field(name).error("unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
    return this;
  }

  /** The elements of an array, each with its indexed path. */
  List<JsonField> elements() throws PackException {
    if (node == null || !node.isArray()) {
      throw error("must be an array, got " + describe());
    }
    List<JsonField> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new JsonField(file, path + "[" + i + "]", node.get(i)));
    }
    return out;
  }

  /** The members of an object, in document order, each with its path. */
  List<java.util.Map.Entry<String, JsonField>> members() throws PackException {
    if (node == null || !node.isObject()) {
      throw error("must be an object, got " + describe());
    }
    List<java.util.Map.Entry<String, JsonField>> out = new ArrayList<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      out.add(java.util.Map.entry(name, field(name)));
    }
    return out;
  }

  /** A boolean that may be absent; {@code fallback} when it is. */
  boolean bool(boolean fallback) throws PackException {
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw error("must be true or false, got " + describe());
    }
    return node.booleanValue();
  }

  /** A required integer in {@code [min, max]}, as a long. */
  long longInteger(long min, long max) throws PackException {
    BigInteger v = bigInteger();
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw error("must be " + min + ".." + max + ", got " + v);
    }
    return v.longValue();
  }

  /** A required string. */
  String string() throws PackException {
    if (node == null) {
      throw error("required");
    }
    if (!node.isTextual()) {
      throw error("must be a string, got " + describe());
    }
    return node.textValue();
  }

  /** A string that may be absent; {@code fallback} when it is. */
  String string(String fallback) throws PackException {
    return node == null ? fallback : string();
  }

  /** A required non-empty string. */
  String nonEmptyString() throws PackException {
    String s = string();
    if (s.isEmpty()) {
      throw error("must not be empty");
    }
    return s;
  }

  /** A required integer in {@code [min, max]}. */
  int integer(int min, int max) throws PackException {
    BigInteger v = bigInteger();
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw error("must be " + min + ".." + max + ", got " + v);
    }
    return v.intValue();
  }

  /**
   * A required unsigned 64-bit integer, returned as the signed {@code long} with the same bits
   * (what protobuf's {@code uint64} setters take); compare results with {@link
   * Long#compareUnsigned}.
   */
  long uint64() throws PackException {
    BigInteger v = bigInteger();
    if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
      throw error("must be 0.." + UINT64_MAX + ", got " + v);
    }
    return v.longValue();
  }

  private BigInteger bigInteger() throws PackException {
    if (node == null) {
      throw error("required");
    }
    if (!node.isIntegralNumber()) {
      throw error("must be an integer, got " + describe());
    }
    return node.bigIntegerValue();
  }

  /** "string \"8080\"", "number 1.5", "null"...: what was found, for messages. */
  private String describe() {
    if (node == null) {
      return "nothing";
    }
    String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
    if (node.isValueNode() && !node.isNull()) {
      return type + " " + node.toString();
    }
    return type;
  }
}
