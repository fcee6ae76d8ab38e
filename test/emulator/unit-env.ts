import './per-file-env';

/**
 * Runs after per-file-env.ts before each unit-lane file (test/unit-lane.js): the SDK's environment without an
 * emulator. When `npm test` runs both lanes, the end-to-end lane's global setup has put its emulators in the
 * workers' environment; a unit file must not reach them, so any AWS call it makes goes to a closed port and fails
 * at once, and the file fails in the unit lane instead of passing by accident.
 */
const CLOSED_PORT_ENDPOINT = 'http://127.0.0.1:9';
process.env.AWS_ENDPOINT_URL = CLOSED_PORT_ENDPOINT;
delete process.env.LAMBDA_EGRESS_TEST_ENDPOINT;
delete process.env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT;
delete process.env.LAMBDA_EGRESS_TEST_EMULATORS;
