import { zipSingleFile } from '../functions/shared/zip';

/** The AWS guide's own egress test function (Node.js, fetch): what the demo and the tests deploy as "the user's function". */
export const SAMPLE_FUNCTION_SOURCE = `const url = "https://aws.amazon.com/";
export const handler = async () => {
  try {
    const res = await fetch(url);
    console.info("status", res.status);
    return res.status;
  } catch (e) {
    console.error(e);
    return 500;
  }
};
`;

export function sampleFunctionZip(): Uint8Array {
  return zipSingleFile('index.mjs', SAMPLE_FUNCTION_SOURCE);
}
