package io.greenlang.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.pipeline.GlipDocument.Located;
import io.greenlang.pipeline.GlipDocument.ParameterSpec;
import io.greenlang.pipeline.GlipDocument.Source;
import io.greenlang.pipeline.GlipDocument.StepSpec;

/**
 * The checks that relate steps to each other, on a read {@link GlipDocument}: unknown dependencies
 * (GL-E-DAG-MISSING-DEP), cycles (GL-E-DAG-CYCLE, naming the steps of each), steps that lead to no declared output
 * (GL-E-DAG-ORPHAN), unknown outputs, and the references inside inputs and commands ({@code ${params.x}} must name
 * a declared parameter, {@code ${steps.s.outputs.y}} a step that the referring step depends on, directly or
 * transitively). Also computes the topological levels (Kahn's algorithm, by level, then by declaration order) and
 * each step's ancestors.
 *
 * <p>Every algorithm here is iterative and linear or near-linear in steps plus edges, so a chain of
 * {@link GlipParser#MAX_STEPS} steps cannot overflow the stack. Steps are identified by their position in
 * {@link GlipDocument#steps()}. Immutable once built.
 */
final class DagAnalysis {

    private final List<StepSpec> steps;
    private final Map<String, Integer> byName = new HashMap<>();
    private final List<List<Integer>> dependencies = new ArrayList<>();
    private final List<List<Located>> dependencyEdges = new ArrayList<>();
    private final List<List<Integer>> dependents = new ArrayList<>();
    private final List<List<Integer>> levels = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private final Map<String, List<Source>> parameterUses = new LinkedHashMap<>();
    private final List<ValidationProblem> problems = new ArrayList<>();

    private DagAnalysis(GlipDocument document) {
        this.steps = document.steps();
        // ancestors[v]: the steps v depends on, directly or not; null for steps on or after a cycle. Only needed
        // while analysing, so not kept (analyses are cached).
        BitSet[] ancestors = new BitSet[steps.size()];
        for (int v = 0; v < steps.size(); v++) {
            if (steps.get(v).name() != null) {
                byName.putIfAbsent(steps.get(v).name(), v);
            }
            dependencies.add(new ArrayList<>());
            dependencyEdges.add(new ArrayList<>());
            dependents.add(new ArrayList<>());
        }
        edges();
        boolean acyclic = placeInLevels(ancestors);
        if (!acyclic) {
            cycles(ancestors);
        }
        outputs(document.outputs());
        references(document.parameters().stream().map(ParameterSpec::name).collect(Collectors.toSet()), ancestors);
    }

    /** Analyses the document's steps. */
    static DagAnalysis of(GlipDocument document) {
        return new DagAnalysis(document);
    }

    /** Problems found, in order: dependencies, cycles, outputs and orphans, references. */
    List<ValidationProblem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Step positions by level; complete only when there is no cycle. */
    List<List<Integer>> levels() {
        return levels;
    }

    /** Positions of the output steps: the declared ones, or every step nothing depends on. */
    List<Integer> outputs() {
        return outputs;
    }

    /** Positions of the steps the step at {@code v} depends on (unknown names left out). */
    List<Integer> dependencies(int v) {
        return dependencies.get(v);
    }

    /** Where each parameter is referenced with {@code ${params.x}}. */
    Map<String, List<Source>> parameterUses() {
        return parameterUses;
    }

    // --------------------------------------------------------------------------------------------------------

    private void edges() {
        for (int v = 0; v < steps.size(); v++) {
            StepSpec step = steps.get(v);
            for (Located dependency : step.dependsOn()) {
                Integer d = byName.get(dependency.value());
                if (d == null) {
                    problems.add(dependency.source().problem(ErrorCode.DAG_MISSING_DEP, "step '" + step.name()
                            + "' depends on '" + dependency.value() + "', which is not a step of this pipeline"));
                } else {
                    dependencies.get(v).add(d);
                    dependencyEdges.get(v).add(dependency);
                    dependents.get(d).add(v);
                }
            }
        }
    }

    /** Kahn's algorithm level by level; fills levels and ancestors; false when some steps are on or after a cycle. */
    private boolean placeInLevels(BitSet[] ancestors) {
        int[] waitingFor = new int[steps.size()];
        List<Integer> current = new ArrayList<>();
        for (int v = 0; v < steps.size(); v++) {
            waitingFor[v] = dependencies.get(v).size();
            if (waitingFor[v] == 0) {
                current.add(v);
            }
        }
        int placed = 0;
        while (!current.isEmpty()) {
            levels.add(List.copyOf(current));
            placed += current.size();
            List<Integer> next = new ArrayList<>();
            for (int v : current) {
                BitSet above = new BitSet(steps.size());
                for (int d : dependencies.get(v)) {
                    above.or(ancestors[d]);
                    above.set(d);
                }
                ancestors[v] = above;
                for (int w : dependents.get(v)) {
                    if (--waitingFor[w] == 0) {
                        next.add(w);
                    }
                }
            }
            Collections.sort(next);
            current = next;
        }
        return placed == steps.size();
    }

    /**
     * Names the cycles among the steps Kahn's algorithm could not place. Each such step waits for at least one
     * other unplaced step, so following unplaced dependencies from any of them must come back to a step already
     * on the walk: that loop is a cycle. Walks that reach a step seen by an earlier walk stop (its cycle is
     * already reported), so every step is walked once.
     */
    private void cycles(BitSet[] ancestors) {
        int[] walk = new int[steps.size()]; // 0: not walked; k: walked by walk k
        int walks = 0;
        for (int start = 0; start < steps.size(); start++) {
            if (ancestors[start] != null || walk[start] != 0) {
                continue;
            }
            walks++;
            List<Integer> path = new ArrayList<>();
            List<Located> via = new ArrayList<>();
            int v = start;
            while (walk[v] == 0) {
                walk[v] = walks;
                path.add(v);
                int edge = firstUnplacedDependency(v, ancestors);
                via.add(dependencyEdges.get(v).get(edge));
                v = dependencies.get(v).get(edge);
            }
            if (walk[v] == walks) {
                reportCycle(path.subList(path.indexOf(v), path.size()), via.subList(path.indexOf(v), via.size()));
            }
        }
    }

    private int firstUnplacedDependency(int v, BitSet[] ancestors) {
        List<Integer> deps = dependencies.get(v);
        for (int i = 0; i < deps.size(); i++) {
            if (ancestors[deps.get(i)] == null) {
                return i;
            }
        }
        throw new IllegalStateException("step " + v + " was not placed but waits for no unplaced step");
    }

    /** Reports a cycle starting at its first-declared step; each step depends on the next. */
    private void reportCycle(List<Integer> cycle, List<Located> via) {
        int first = cycle.indexOf(Collections.min(cycle));
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= cycle.size(); i++) {
            names.add(steps.get(cycle.get((first + i) % cycle.size())).name());
        }
        String shown = String.join(" -> ", names);
        if (names.size() > 12) {
            shown = String.join(" -> ", names.subList(0, 5)) + " -> ... -> "
                    + String.join(" -> ", names.subList(names.size() - 5, names.size())) + ", " + cycle.size()
                    + " steps";
        }
        problems.add(via.get(first).source().problem(ErrorCode.DAG_CYCLE, "steps form a dependency cycle: "
                + shown + " (each step depends on the next)"));
    }

    private void outputs(List<Located> declared) {
        if (declared == null) {
            for (int v = 0; v < steps.size(); v++) {
                if (dependents.get(v).isEmpty()) {
                    outputs.add(v);
                }
            }
            return;
        }
        for (Located output : declared) {
            Integer v = byName.get(output.value());
            if (v == null) {
                problems.add(output.source().problem(ErrorCode.DAG_MISSING_DEP, "spec.outputs names '"
                        + output.value() + "', which is not a step of this pipeline"));
            } else {
                outputs.add(v);
            }
        }
        if (!outputs.isEmpty()) {
            orphans();
        }
    }

    /** Steps from which no declared output is reachable: walk dependencies backwards from the outputs. */
    private void orphans() {
        boolean[] feedsOutput = new boolean[steps.size()];
        Deque<Integer> todo = new ArrayDeque<>(outputs);
        outputs.forEach(v -> feedsOutput[v] = true);
        while (!todo.isEmpty()) {
            for (int d : dependencies.get(todo.pop())) {
                if (!feedsOutput[d]) {
                    feedsOutput[d] = true;
                    todo.push(d);
                }
            }
        }
        String names = outputs.stream().map(v -> steps.get(v).name()).collect(Collectors.joining(", "));
        for (int v = 0; v < steps.size(); v++) {
            if (!feedsOutput[v]) {
                problems.add(steps.get(v).source().problem(ErrorCode.DAG_ORPHAN, "step '" + label(v)
                        + "' leads to none of the outputs (" + names + "): make an output depend on it, list it in "
                        + "spec.outputs, or remove it"));
            }
        }
    }

    /** References in inputs ({@code ${params.x}} and {@code ${steps.s.outputs.y}}) and commands (parameters). */
    private void references(Set<String> parameters, BitSet[] ancestors) {
        for (int v = 0; v < steps.size(); v++) {
            StepSpec step = steps.get(v);
            for (Located input : step.inputs().values()) {
                references(input, parameters, true, v, ancestors[v]);
            }
            for (Located argument : step.command()) {
                references(argument, parameters, false, v, ancestors[v]);
            }
        }
    }

    /**
     * @param inputs   whether the text is an input value (the only place step outputs may be referenced)
     * @param upstream the ancestors of step {@code v}, or null when it is on or after a cycle (already reported)
     */
    private void references(Located text, Set<String> parameters, boolean inputs, int v, BitSet upstream) {
        List<String> malformed = new ArrayList<>();
        for (References.Reference r : References.find(text.value(), malformed)) {
            if (r.parameter()) {
                if (parameters.contains(r.name())) {
                    parameterUses.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(text.source());
                } else {
                    problems.add(text.source().problem(ErrorCode.PARAM_MISSING, "'${params." + r.name()
                            + "}' refers to an undeclared parameter; declared: "
                            + (parameters.isEmpty() ? "none" : String.join(", ", new TreeSet<>(parameters)))));
                }
            } else if (!inputs) {
                problems.add(text.source().problem(ErrorCode.YAML_SCHEMA, "'${steps." + r.name() + ".outputs."
                        + r.output() + "}': step outputs can be referenced only in inputs, not in command"));
            } else {
                stepOutputReference(v, text, r, upstream);
            }
        }
        malformed.forEach(m -> problems.add(text.source().problem(ErrorCode.YAML_SCHEMA, m)));
    }

    private String label(int v) {
        return steps.get(v).name() != null ? steps.get(v).name() : steps.get(v).source().path();
    }

    private void stepOutputReference(int v, Located text, References.Reference r, BitSet upstream) {
        String stepName = label(v);
        Integer target = byName.get(r.name());
        if (target == null) {
            problems.add(text.source().problem(ErrorCode.DAG_MISSING_DEP, "'${steps." + r.name() + ".outputs."
                    + r.output() + "}' refers to '" + r.name() + "', which is not a step of this pipeline"));
        } else if (upstream != null && !upstream.get(target)) {
            problems.add(text.source().problem(ErrorCode.DAG_MISSING_DEP, "step '" + stepName + "' uses outputs of '"
                    + r.name() + "' but does not depend on it; add '" + r.name() + "' to its depends_on (directly "
                    + "or through one of its dependencies)"));
        }
    }
}
