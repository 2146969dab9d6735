/** Ends a Jest run with the plain summary line CI reads: "<tier>: N passed, N failed". */
class SummaryReporter {
  constructor(_globalConfig, options) {
    this.tier = (options && options.tier) || 'tests';
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    // After Jest's own summary, so it is the run's last line.
    process.once('exit', () => process.stderr.write(`${this.tier}: ${results.numPassedTests} passed, ${failed} failed\n`));
  }
}

module.exports = SummaryReporter;
