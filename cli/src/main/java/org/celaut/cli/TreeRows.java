package org.celaut.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The order and depth in which {@code ls} shows instances: each one right under its parent.
 * Pure.
 *
 * <p>The rules: an item whose parent is not in the list (none, or an instance not listed, such
 * as an ended one without {@code -a}) is a root at depth 0; roots keep the list's order, and so
 * do the children of one parent; every child follows its parent, depth first, one level deeper;
 * every item appears exactly once, whatever the parent links say.
 */
final class TreeRows {

  private TreeRows() {}

  /** One item at its depth (0 for a root). */
  record Row<T>(T item, int depth) {}

  static <T> List<Row<T>> of(List<T> items, Function<T, String> id, Function<T, String> parentId) {
    Map<String, T> byId = new LinkedHashMap<>();
    for (T t : items) {
      byId.putIfAbsent(id.apply(t), t);
    }
    Map<String, List<T>> children = new LinkedHashMap<>();
    List<T> roots = new ArrayList<>();
    for (T t : byId.values()) {
      String p = parentId.apply(t);
      if (p == null || p.isEmpty() || !byId.containsKey(p) || p.equals(id.apply(t))) {
        roots.add(t);
      } else {
        children.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
      }
    }
    List<Row<T>> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (T r : roots) {
      walk(r, 0, id, children, seen, rows);
    }
    for (T t : byId.values()) { // a cycle of parent links has no root: show it flat
      if (!seen.contains(id.apply(t))) {
        walk(t, 0, id, children, seen, rows);
      }
    }
    return rows;
  }

  private static <T> void walk(T t, int depth, Function<T, String> id, Map<String, List<T>> children,
      Set<String> seen, List<Row<T>> rows) {
    if (!seen.add(id.apply(t))) {
      return;
    }
    rows.add(new Row<>(t, depth));
    for (T c : children.getOrDefault(id.apply(t), List.of())) {
      walk(c, depth + 1, id, children, seen, rows);
    }
  }

  /** How a row's first column starts: nothing for a root, then {@code " \_ "} indented per level (as {@code ps f}). */
  static String indent(int depth) {
    return depth == 0 ? "" : "   ".repeat(depth - 1) + " \\_ ";
  }
}
