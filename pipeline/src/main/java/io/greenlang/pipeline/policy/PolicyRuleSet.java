package io.greenlang.pipeline.policy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.pipeline.policy.PolicyRulesException.Problem;

/**
 * A loaded policy rules file (the runbook's format, {@code GL_YAML_RULES_PATH}): a name, an optional version and
 * an ordered list of {@link PolicyRule}s whose CEL conditions are already compiled.
 * <pre>{@code
 * name: production-policies
 * version: "1.0.0"
 * rules:
 *   - name: require_approval_for_production
 *     condition: namespace == 'production'
 *     action: require_approval
 *     approval_type: manager
 * }</pre>
 *
 * <p>Loading is strict and reports every problem at once ({@link PolicyRulesException}, naming rule, field and
 * line): unknown fields (a misspelt {@code conditon} would otherwise silently disable a rule), missing or
 * ill-typed fields, unknown actions and stages, duplicate rule names or keys, {@code approval_type} on a rule
 * that does not require approval, and conditions that do not parse, use an unknown variable or are not boolean.
 *
 * <p>The YAML is only composed into nodes, never constructed into objects, so no tag can instantiate a class;
 * size, nesting and aliases are bounded. Instances are immutable and thread-safe. This class must never accept
 * a rules file it cannot fully evaluate.
 */
public final class PolicyRuleSet {

    /** Largest rules file accepted, in characters. */
    public static final int MAX_FILE_CHARS = 1024 * 1024;
    /** Most rules in one file. */
    public static final int MAX_RULES = 1000;
    /** Longest rule name. */
    public static final int MAX_NAME_LENGTH = 128;

    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "version", "description", "rules");
    private static final Set<String> RULE_KEYS =
            Set.of("name", "description", "condition", "action", "approval_type", "message", "applies_to");
    private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);
    private static final Map<String, PolicyVerdict> ACTIONS = actions();
    private static final Map<String, PolicyStage> STAGES = stages();

    private final String name;
    private final String version;
    private final String source;
    private final List<CompiledRule> rules;

    private PolicyRuleSet(String name, String version, String source, List<CompiledRule> rules) {
        this.name = name;
        this.version = version;
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    /** A rule with its compiled condition. */
    record CompiledRule(PolicyRule rule, CelConditions.Condition condition) {
    }

    /**
     * Reads and compiles the rules file at {@code file}.
     *
     * @throws PolicyRulesException when it is missing, unreadable, too large or invalid, naming every problem
     */
    public static PolicyRuleSet load(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new PolicyRulesException(ErrorCode.YAML_INVALID, source,
                    List.of(new Problem("", null, 0, 0, "file does not exist or is not a regular file")));
        }
        String text;
        try {
            if (Files.size(file) > 4L * MAX_FILE_CHARS) {
                throw tooLarge(source);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyRulesException(ErrorCode.YAML_INVALID, source,
                    List.of(new Problem("", null, 0, 0, "cannot read the file: " + e)));
        }
        return parse(text, source);
    }

    /**
     * Parses and compiles rules given as text.
     *
     * @param yaml   the rules document
     * @param source how to name it in errors, e.g. its path
     * @throws PolicyRulesException when it is invalid, naming every problem
     */
    public static PolicyRuleSet parse(String yaml, String source) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(source, "source");
        if (yaml.length() > MAX_FILE_CHARS) {
            throw tooLarge(source);
        }
        Node root;
        try {
            root = newYaml().compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String what = e.getProblem() + (e.getContext() == null ? "" : " (" + e.getContext() + ")");
            throw new PolicyRulesException(ErrorCode.YAML_INVALID, source, List.of(new Problem("", null,
                    mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
                    "not valid YAML: " + what)));
        } catch (YAMLException e) {
            throw new PolicyRulesException(ErrorCode.YAML_INVALID, source,
                    List.of(new Problem("", null, 0, 0, "not valid YAML: " + e.getMessage())));
        }
        return new Parser(source).parse(root);
    }

    /** The rule set's {@code name}. */
    public String name() {
        return name;
    }

    /** The rule set's {@code version}, or {@code ""} when the file has none. */
    public String version() {
        return version;
    }

    /** Where the rules came from (the file path or the source given to {@link #parse}). */
    public String source() {
        return source;
    }

    /** Every rule, in file order. */
    public List<PolicyRule> rules() {
        return rules.stream().map(CompiledRule::rule).toList();
    }

    /** The rules evaluated at {@code stage}, in file order. */
    public List<PolicyRule> rulesFor(PolicyStage stage) {
        return rules.stream().map(CompiledRule::rule).filter(r -> r.appliesTo(stage)).toList();
    }

    List<CompiledRule> compiledRulesFor(PolicyStage stage) {
        return rules.stream().filter(r -> r.rule().appliesTo(stage)).toList();
    }

    @Override
    public String toString() {
        return name + (version.isEmpty() ? "" : " " + version) + " (" + rules.size() + " rule"
                + (rules.size() == 1 ? "" : "s") + ", " + source + ")";
    }

    private static PolicyRulesException tooLarge(String source) {
        return new PolicyRulesException(ErrorCode.YAML_SCHEMA, source, List.of(new Problem("", null, 0, 0,
                "the file is larger than " + MAX_FILE_CHARS + " characters")));
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_FILE_CHARS);
        options.setProcessComments(false);
        return new Yaml(options);
    }

    private static Map<String, PolicyVerdict> actions() {
        Map<String, PolicyVerdict> map = new LinkedHashMap<>();
        for (PolicyVerdict verdict : PolicyVerdict.values()) {
            map.put(verdict.name().toLowerCase(Locale.ROOT), verdict);
        }
        return Map.copyOf(map);
    }

    private static Map<String, PolicyStage> stages() {
        Map<String, PolicyStage> map = new LinkedHashMap<>();
        for (PolicyStage stage : PolicyStage.values()) {
            map.put(PolicyVariables.stageName(stage), stage);
        }
        return Map.copyOf(map);
    }

    private static String allowed(Set<String> values) {
        return values.stream().sorted().collect(Collectors.joining(", "));
    }

    /** Walks the composed nodes, collecting every problem. Single use. */
    private static final class Parser {
        private final String source;
        private final List<Problem> problems = new ArrayList<>();

        Parser(String source) {
            this.source = source;
        }

        PolicyRuleSet parse(Node root) {
            if (root == null) {
                problem("", null, null, "the file is empty; expected 'name' and 'rules'");
                throw failed();
            }
            Map<String, NodeTuple> top = mapping(root, "", null, TOP_LEVEL_KEYS);
            if (top == null) {
                throw failed();
            }
            String setName = requiredString(top, "name", "", null, root);
            String version = optionalString(top, "version", "", null);
            optionalString(top, "description", "", null);
            List<CompiledRule> rules = new ArrayList<>();
            NodeTuple rulesTuple = top.get("rules");
            if (rulesTuple == null || isNull(rulesTuple.getValueNode())) {
                problem("rules", null, rulesTuple == null ? root : rulesTuple.getKeyNode(),
                        "is required: a list of rules (may be empty: [])");
            } else if (!(rulesTuple.getValueNode() instanceof SequenceNode seq)) {
                problem("rules", null, rulesTuple.getValueNode(), "must be a list of rules, not " + kind(
                        rulesTuple.getValueNode()));
            } else if (seq.getValue().size() > MAX_RULES) {
                problem("rules", null, seq, "has " + seq.getValue().size() + " rules; at most " + MAX_RULES
                        + " are allowed");
            } else {
                Map<String, Integer> seen = new HashMap<>();
                for (int i = 0; i < seq.getValue().size(); i++) {
                    CompiledRule rule = rule(seq.getValue().get(i), "rules[" + i + "]", seen);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw failed();
            }
            return new PolicyRuleSet(setName, version == null ? "" : version, source, rules);
        }

        private CompiledRule rule(Node node, String path, Map<String, Integer> seenNames) {
            int before = problems.size();
            Map<String, NodeTuple> fields = mapping(node, path, null, RULE_KEYS);
            if (fields == null) {
                return null;
            }
            String name = requiredString(fields, "name", path, null, node);
            String ruleName = name;
            if (name != null) {
                if (name.length() > MAX_NAME_LENGTH || !RULE_NAME.matcher(name).matches()) {
                    problem(path + ".name", name, fields.get("name").getValueNode(), "rule names are 1 to "
                            + MAX_NAME_LENGTH + " letters, digits, '_', '.', ':' or '-', starting with a letter "
                            + "or digit");
                }
                Integer firstLine = seenNames.putIfAbsent(name, line(node));
                if (firstLine != null) {
                    problem(path + ".name", name, fields.get("name").getValueNode(),
                            "duplicate rule name (first defined at line " + firstLine + ")");
                }
            }
            optionalString(fields, "description", path, ruleName);
            String condition = requiredString(fields, "condition", path, ruleName, node);
            CelConditions.Condition compiled = condition == null ? null
                    : compileCondition(condition, path + ".condition", ruleName, fields.get("condition"));
            String actionText = requiredString(fields, "action", path, ruleName, node);
            PolicyVerdict action = null;
            if (actionText != null) {
                action = ACTIONS.get(actionText);
                if (action == null) {
                    problem(path + ".action", ruleName, fields.get("action").getValueNode(), "unknown action '"
                            + actionText + "'; expected one of " + allowed(ACTIONS.keySet()));
                }
            }
            String approvalType = optionalString(fields, "approval_type", path, ruleName);
            if (approvalType != null && action != null && action != PolicyVerdict.REQUIRE_APPROVAL) {
                problem(path + ".approval_type", ruleName, fields.get("approval_type").getKeyNode(),
                        "only a rule with action require_approval has an approval_type (this rule's action is "
                                + actionText + ")");
            }
            String message = optionalString(fields, "message", path, ruleName);
            Set<PolicyStage> appliesTo = appliesTo(fields.get("applies_to"), path, ruleName);
            if (problems.size() > before || compiled == null || action == null || name == null) {
                return null;
            }
            return new CompiledRule(new PolicyRule(name, action, condition, appliesTo, approvalType, message,
                    line(node)), compiled);
        }

        private CelConditions.Condition compileCondition(String condition, String path, String rule,
                                                         NodeTuple tuple) {
            if (condition.isBlank()) {
                problem(path, rule, tuple.getValueNode(),
                        "must not be empty; write 'true' for a rule that always applies");
                return null;
            }
            CelConditions.Compiled result = CelConditions.compile(condition);
            if (result.error() != null) {
                problem(path, rule, tuple.getValueNode(), "invalid CEL condition: "
                        + result.error().strip().replace("<input>", "condition").replace("\n", "\n      "));
                return null;
            }
            return result.condition();
        }

        private Set<PolicyStage> appliesTo(NodeTuple tuple, String path, String rule) {
            if (tuple == null || isNull(tuple.getValueNode())) {
                return EnumSet.of(PolicyStage.PRE_RUN);
            }
            String fieldPath = path + ".applies_to";
            Node value = tuple.getValueNode();
            List<Node> items;
            if (value instanceof ScalarNode) {
                items = List.of(value);
            } else if (value instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
                items = seq.getValue();
            } else {
                problem(fieldPath, rule, value, "must be pre_run, pre_step or a non-empty list of them");
                return EnumSet.of(PolicyStage.PRE_RUN);
            }
            Set<PolicyStage> stages = EnumSet.noneOf(PolicyStage.class);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = value instanceof SequenceNode ? fieldPath + "[" + i + "]" : fieldPath;
                String text = scalar(items.get(i), itemPath, rule);
                if (text == null) {
                    continue;
                }
                PolicyStage stage = STAGES.get(text);
                if (stage == null) {
                    problem(itemPath, rule, items.get(i), "unknown stage '" + text + "'; expected one of "
                            + allowed(STAGES.keySet()));
                } else if (!stages.add(stage)) {
                    problem(itemPath, rule, items.get(i), "stage '" + text + "' is listed twice");
                }
            }
            return stages.isEmpty() ? EnumSet.of(PolicyStage.PRE_RUN) : stages;
        }

        /** The mapping's entries by key, or null (with a problem) when the node is not a mapping. */
        private Map<String, NodeTuple> mapping(Node node, String path, String rule, Set<String> allowedKeys) {
            if (!(node instanceof MappingNode map) || !Tag.MAP.equals(node.getTag())) {
                problem(path, rule, node, "must be a mapping" + (path.isEmpty() ? " with 'name' and 'rules'" : "")
                        + ", not " + kind(node));
                return null;
            }
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (NodeTuple tuple : map.getValue()) {
                Node keyNode = tuple.getKeyNode();
                String key = keyNode instanceof ScalarNode s ? s.getValue() : null;
                String keyPath = path.isEmpty() ? String.valueOf(key) : path + "." + key;
                if (key == null) {
                    problem(path, rule, keyNode, "keys must be plain strings");
                } else if (!allowedKeys.contains(key)) {
                    problem(keyPath, rule, keyNode, "unknown field '" + key + "'; allowed: " + allowed(allowedKeys));
                } else if (entries.putIfAbsent(key, tuple) != null) {
                    problem(keyPath, rule, keyNode, "duplicate field '" + key + "'");
                }
            }
            return entries;
        }

        private String requiredString(Map<String, NodeTuple> fields, String key, String path, String rule,
                                      Node parent) {
            NodeTuple tuple = fields.get(key);
            String fieldPath = path.isEmpty() ? key : path + "." + key;
            if (tuple == null || isNull(tuple.getValueNode())) {
                problem(fieldPath, rule, tuple == null ? parent : tuple.getKeyNode(), "is required");
                return null;
            }
            return scalar(tuple.getValueNode(), fieldPath, rule);
        }

        private String optionalString(Map<String, NodeTuple> fields, String key, String path, String rule) {
            NodeTuple tuple = fields.get(key);
            if (tuple == null || isNull(tuple.getValueNode())) {
                return null;
            }
            String value = scalar(tuple.getValueNode(), path.isEmpty() ? key : path + "." + key, rule);
            if (value != null && value.isBlank()) {
                problem(path.isEmpty() ? key : path + "." + key, rule, tuple.getValueNode(),
                        "must not be blank (leave the field out instead)");
                return null;
            }
            return value;
        }

        /** A scalar's text (a YAML number or bool is taken as written), or null with a problem. */
        private String scalar(Node node, String path, String rule) {
            if (!(node instanceof ScalarNode s)) {
                problem(path, rule, node, "must be a string, not " + kind(node));
                return null;
            }
            if (!SCALAR_TAGS.contains(node.getTag())) {
                problem(path, rule, node, "unsupported YAML tag " + node.getTag() + "; write a plain string");
                return null;
            }
            return s.getValue();
        }

        private static boolean isNull(Node node) {
            return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
        }

        private static String kind(Node node) {
            if (node instanceof MappingNode) {
                return "a mapping";
            }
            if (node instanceof SequenceNode) {
                return "a list";
            }
            return node instanceof ScalarNode s ? "'" + s.getValue() + "'" : "nothing";
        }

        private static int line(Node node) {
            return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        }

        private static int column(Node node) {
            return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
        }

        private void problem(String path, String rule, Node node, String message) {
            problems.add(new Problem(path, rule, line(node), column(node), message));
        }

        private PolicyRulesException failed() {
            return new PolicyRulesException(ErrorCode.YAML_SCHEMA, source, problems);
        }
    }
}
