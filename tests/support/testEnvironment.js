// Jest runs each test file in a sandbox with a copy of `process`, so the bot's own filter for restify's DEP0111
// warning (bot/http/restify.ts) cannot reach the real one: the same filter, installed on the real process.
const { TestEnvironment } = require('jest-environment-node');

const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const [typeOrOptions, code] = rest;
  const warned = typeof typeOrOptions === 'object' && typeOrOptions !== null ? typeOrOptions.code : code;
  if (warned === 'DEP0111') return;
  return emitWarning.call(this, warning, ...rest);
};

module.exports = TestEnvironment;
