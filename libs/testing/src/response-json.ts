/** A response's JSON body, untyped: tests assert its shape field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = async (response: Response): Promise<any> => response.json();
