/** A rule file line that cannot be read; `where` is "file:line" so the message points at it. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly where: string,
  ) {
    super(`${where}: ${reason}`);
  }
}
