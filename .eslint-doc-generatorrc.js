// eslint-doc-generator (`npm run update:eslint-docs`, checked in CI by `npm run lint:eslint-docs`): the rules table
// in README.md and the header of each docs/rules/<name>.md come from the built plugin's rule metadata.
/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['recommended-type-checked', '☑️'],
  ],
  // `docs.requiresTypeChecking` means "uses type information when present": no rule *needs* it, so the
  // generator's "💭 requires type information" notice and column would mislead.
  ruleDocNotices: ['description', 'deprecated', 'configs', 'fixableAndHasSuggestions', 'options'],
  ruleListColumns: ['name', 'description', 'configsError', 'configsWarn', 'fixable', 'hasSuggestions', 'options', 'deprecated'],
  ruleDocTitleFormat: 'prefix-name',
  // Every rule page has an "## Options" section, "None." where a rule has none (test/docs.test.ts checks the
  // sections and one heading per option); the generator would otherwise reject the section on option-less rules.
  ruleDocSectionOptions: false,
  urlConfigs: 'https://github.com/sleepless-dev/eslint-plugin-sleepless#configure',
};

export default config;
