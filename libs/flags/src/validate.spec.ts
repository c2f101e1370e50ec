import { toEngineDocument } from './engine-document';
import { readFlagDirectory, validateFlagFiles } from './flag-files';
import { FlagProblem, formatProblem } from './format';
import { checkRegistry } from './registry-check';
import { cleanupTempDirs, flagDir, REPO_FLAGS_DIR } from './testing/helpers';

afterAll(cleanupTempDirs);

/** Validates one features file; returns its errors. */
function errorsOf(yaml: string): FlagProblem[] {
  return validateFlagFiles(flagDir({ 'test.features.yml': yaml })).errors;
}

/** Line (1-based) of the first line containing `text` in `yaml`. */
function lineOf(yaml: string, text: string): number {
  const index = yaml.split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`"${text}" not in fixture`);
  return index + 1;
}

function expectError(errors: FlagProblem[], line: number, pattern: RegExp): FlagProblem {
  const found = errors.find((e) => e.line === line && pattern.test(e.message));
  if (!found) throw new Error(`no error on line ${line} matching ${pattern}; got:\n${errors.map(formatProblem).join('\n')}`);
  expect(found.file).toMatch(/test\.features\.yml$/);
  return found;
}

const base = (flags: string, segments = '') => `version: "1.4"
namespace: boxoffice
flags:
${flags}${segments ? `\nsegments:\n${segments}` : ''}
`;

const premium = `  - key: premium
    name: Premium
    match_type: ALL_MATCH_TYPE
    constraints:
      - type: STRING_COMPARISON_TYPE
        property: plan
        operator: eq
        value: premium`;

describe('the repo flag files', () => {
  it('are valid, without warnings, and define every flag the code reads with the right type and attachments', () => {
    const result = readFlagDirectory(REPO_FLAGS_DIR);
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.files.map((f) => f.relative)).toEqual(['boxoffice.features.yml']);
    expect(checkRegistry(toEngineDocument(result.documents, 'boxoffice'))).toEqual([]);
  });
});

describe('validateFlagFiles: Flipt format rules, with file and line', () => {
  it('a typo in an enum is an error naming file, line, column and the likely intent', () => {
    const yaml = base(`  - key: kill
    name: Kill
    type: BOOLEAN_FLAG_TYP
    enabled: false`);
    const [error] = errorsOf(yaml);
    expect(error).toMatchObject({ line: lineOf(yaml, 'BOOLEAN_FLAG_TYP'), column: 11, severity: 'error' });
    expect(formatProblem(error)).toMatch(
      /test\.features\.yml:6:11 flag "kill"\.type: unknown value "BOOLEAN_FLAG_TYP" \(did you mean "BOOLEAN_FLAG_TYPE"\?\); expected one of BOOLEAN_FLAG_TYPE, VARIANT_FLAG_TYPE/,
    );
  });

  it('engine enum names are not file enum names (ALL_SEGMENT_MATCH_TYPE, STRING_CONSTRAINT_COMPARISON_TYPE)', () => {
    const yaml = base(
      '  []',
      `  - key: s
    name: S
    match_type: ALL_SEGMENT_MATCH_TYPE
    constraints:
      - type: STRING_CONSTRAINT_COMPARISON_TYPE
        property: plan
        operator: eq
        value: x`,
    ).replace('flags:\n  []', 'flags: []');
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'ALL_SEGMENT_MATCH_TYPE'), /unknown value "ALL_SEGMENT_MATCH_TYPE".*expected one of ALL_MATCH_TYPE, ANY_MATCH_TYPE/);
    expectError(errors, lineOf(yaml, 'STRING_CONSTRAINT_COMPARISON_TYPE'), /unknown value "STRING_CONSTRAINT_COMPARISON_TYPE"/);
  });

  it('operators must belong to the constraint type; "le" is named as Flipt\'s schema typo', () => {
    const yaml = base(
      '',
      `  - key: s
    name: S
    match_type: ANY_MATCH_TYPE
    constraints:
      - type: BOOLEAN_COMPARISON_TYPE
        property: beta
        operator: gt
        value: "1"
      - type: NUMBER_COMPARISON_TYPE
        property: seats
        operator: le
        value: "4"
      - type: STRING_COMPARISON_TYPE
        property: plan
        operator: "true"`,
    ).replace('flags:\n\n', 'flags: []\n');
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'operator: gt'), /operator "gt" is not valid for BOOLEAN_COMPARISON_TYPE; valid: true, false, present, notpresent/);
    expectError(errors, lineOf(yaml, 'operator: le'), /"le" is a known typo in Flipt's own schema; the engine implements "lt"/);
    expectError(errors, lineOf(yaml, 'operator: "true"'), /operator "true" is not valid for STRING_COMPARISON_TYPE/);
  });

  it('unquoted YAML booleans and numbers are not strings', () => {
    const yaml = base(
      '',
      `  - key: s
    name: S
    match_type: ALL_MATCH_TYPE
    constraints:
      - type: BOOLEAN_COMPARISON_TYPE
        property: beta
        operator: true
      - type: NUMBER_COMPARISON_TYPE
        property: seats
        operator: gt
        value: 4`,
    )
      .replace('flags:\n\n', 'flags: []\n')
      .replace('version: "1.4"', 'version: 1.4');
    const errors = errorsOf(yaml);
    expectError(errors, 1, /must be a quoted string \("1.4"\)/);
    expectError(errors, lineOf(yaml, 'operator: true'), /must be a string, got boolean true \(quote it: "true"\)/);
    expectError(errors, lineOf(yaml, 'value: 4'), /must be a string, got number 4 \(quote it: "4"\)/);
  });

  it('constraint values are checked: whole numbers, JSON lists, RFC 3339 date-times, required values', () => {
    const yaml = base(
      '',
      `  - key: s
    name: S
    match_type: ANY_MATCH_TYPE
    constraints:
      - type: NUMBER_COMPARISON_TYPE
        property: seats
        operator: gt
        value: "2.5"
      - type: STRING_COMPARISON_TYPE
        property: region
        operator: isoneof
        value: eu, uk
      - type: DATETIME_COMPARISON_TYPE
        property: signed_up
        operator: gt
        value: "2025-01-01"
      - type: STRING_COMPARISON_TYPE
        property: plan
        operator: eq`,
    ).replace('flags:\n\n', 'flags: []\n');
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'value: "2.5"'), /whole number .*decimals never match/);
    expectError(errors, lineOf(yaml, 'value: eu, uk'), /"isoneof" needs a JSON list such as \["eu","us-east"\]/);
    expectError(errors, lineOf(yaml, '"2025-01-01"'), /RFC 3339 date-time/);
    expectError(errors, lineOf(yaml, 'property: plan') - 1, /operator "eq" needs a "value"/);
  });

  it('rules and rollouts must reference existing segments and variants', () => {
    const yaml = base(
      `  - key: channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants:
      - key: email
      - key: sms
    rules:
      - segment: premum
        distributions:
          - variant: smss
            rollout: 100
  - key: pricing
    name: Pricing
    type: BOOLEAN_FLAG_TYPE
    rollouts:
      - segment:
          keys: [premium, nobody]
          value: true`,
      premium,
    );
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'segment: premum'), /references unknown segment "premum" \(did you mean "premium"\?\)/);
    expectError(errors, lineOf(yaml, 'variant: smss'), /references unknown variant "smss" \(did you mean "sms"\?\); this flag's variants: email, sms/);
    const nobody = errors.find((e) => /unknown segment "nobody"/.test(e.message));
    expect(nobody).toMatchObject({ line: lineOf(yaml, 'keys: [premium, nobody]') });
    expect(errors).toHaveLength(3);
  });

  it('percentages are 0-100 and a rule\'s distributions add up to at most 100', () => {
    const yaml = base(
      `  - key: channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    variants: [{ key: a }, { key: b }]
    rules:
      - segment: premium
        distributions:
          - variant: a
            rollout: 70
          - variant: b
            rollout: 50
  - key: pricing
    name: Pricing
    type: BOOLEAN_FLAG_TYPE
    rollouts:
      - threshold:
          percentage: 130
          value: true
      - threshold:
          percentage: "30"`,
      premium,
    );
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, '- variant: a'), /rollouts add up to 120; they must not exceed 100/);
    expectError(errors, lineOf(yaml, 'percentage: 130'), /must be from 0 to 100, got 130/);
    expectError(errors, lineOf(yaml, 'percentage: "30"'), /must be a number from 0 to 100, got the string "30"/);
  });

  it('flag types decide the shape: boolean flags have rollouts, variant flags have variants and rules', () => {
    const yaml = base(`  - key: kill
    name: Kill
    type: BOOLEAN_FLAG_TYPE
    variants:
      - key: on
  - key: channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    rollouts:
      - threshold: { percentage: 10, value: true }`);
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'variants:'), /boolean flags have no variants/);
    expectError(errors, lineOf(yaml, 'rollouts:'), /only BOOLEAN_FLAG_TYPE flags have rollouts/);
  });

  it('unknown fields are errors with a suggestion; required fields and key syntax are checked', () => {
    const yaml = base(`  - key: kill
    name: Kill
    type: BOOLEAN_FLAG_TYPE
    enabeld: true
  - key: bad key!
    name: Bad
  - key: nameless
    type: BOOLEAN_FLAG_TYPE`);
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'enabeld'), /unknown field "enabeld" \(did you mean "enabled"\?\)/);
    expectError(errors, lineOf(yaml, 'bad key!'), /"bad key!" is not a valid key/);
    expectError(errors, lineOf(yaml, 'key: nameless'), /missing required field "name"/);
  });

  it('keys are unique: flags within a namespace across files, variants within a flag, one default variant', () => {
    const kill = base(`  - key: kill
    name: Kill
    type: BOOLEAN_FLAG_TYPE`);
    const channel = base(`  - key: channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    variants:
      - key: email
        default: true
      - key: email
      - key: sms
        default: true`);
    const report = validateFlagFiles(flagDir({ 'a.features.yml': kill, 'b.features.yml': kill.replace('name: Kill', 'name: Kill again'), 'c.features.yml': channel }));
    expect(report.errors.map(formatProblem)).toEqual([
      expect.stringMatching(/c\.features\.yml:10:14 flag "channel"\.variants\[1\]\.key: duplicate variant key "email"$/),
      expect.stringMatching(/c\.features\.yml:12:18 flag "channel"\.variants\[2\]\.default: only one variant can be the default$/),
      expect.stringMatching(/b\.features\.yml:4:1 flag "kill": flag "kill" is already defined in namespace "boxoffice" at .*a\.features\.yml:4$/),
    ]);
  });

  it('features newer than the declared version are errors', () => {
    const yaml = `version: "1.1"
namespace: boxoffice
flags:
  - key: channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    variants:
      - key: email
        default: true
    rules:
      - segment:
          keys: [premium]
        distributions: []
segments:
${premium}
`;
    const errors = errorsOf(yaml);
    expectError(errors, lineOf(yaml, 'default: true'), /a default variant needs version "1.3" or later/);
    expectError(errors, lineOf(yaml, 'keys: [premium]'), /needs version "1.2" or later/);
  });

  it('attachments are mappings or lists', () => {
    const yaml = base(`  - key: rate
    name: Rate
    type: VARIANT_FLAG_TYPE
    variants:
      - key: high
        attachment: 0.5`);
    expectError(errorsOf(yaml), lineOf(yaml, 'attachment: 0.5'), /must be a mapping or a list/);
  });

  it('YAML syntax errors carry file and line; each document of a stream is checked with its own lines', () => {
    const broken = 'version: "1.4"\nflags:\n  - key: a\n    name: [unclosed\n';
    const syntax = validateFlagFiles(flagDir({ 'test.features.yml': broken })).errors;
    expect(syntax[0]).toMatchObject({ file: expect.stringMatching(/test\.features\.yml$/) });
    expect(syntax[0].line).toBeGreaterThanOrEqual(4);
    expect(syntax[0].message).toMatch(/^YAML: /);

    const stream = `${base('  - key: a\n    name: A\n    type: BOOLEAN_FLAG_TYPE')}---\n${base('  - key: b\n    name: B\n    type: BOOLEAN_FLAG_TYP')}`;
    const errors = errorsOf(stream);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(stream.split('\n').findIndex((l) => l.endsWith('BOOLEAN_FLAG_TYP')) + 1);
  });

  it('follows the index: only included, not excluded files are read', () => {
    const dir = flagDir({
      '.flipt.yml': 'version: "1.0"\ninclude:\n  - "**.features.yml"\nexclude:\n  - "draft.*"\n',
      'main.features.yml': base('  - key: a\n    name: A\n    type: BOOLEAN_FLAG_TYPE'),
      'draft.features.yml': 'this: is: not: valid',
      'notes.yml': 'not: a flag file',
    });
    const report = validateFlagFiles(dir);
    expect(report.valid).toBe(true);
    expect(report.files.map((f) => f.split('/').pop())).toEqual(['main.features.yml']);
  });

  it('a bad index file is reported with its line', () => {
    const dir = flagDir({ '.flipt.yml': 'version: "1.0"\ninclude: "**.features.yml"\n' });
    const [error] = validateFlagFiles(dir).errors;
    expect(formatProblem(error)).toMatch(/\.flipt\.yml:2:10 include: must be a list/);
  });
});
