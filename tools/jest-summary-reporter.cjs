/** Ends a Jest run with the plain summary line CI reads: "<tier>: N passed, N failed". */
class SummaryReporter {
  constructor(_globalConfig, options) {
    this.tier = (options && options.tier) || 'tests';
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(`\n${this.tier}: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = SummaryReporter;
