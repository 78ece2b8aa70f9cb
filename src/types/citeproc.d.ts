/** The part of citeproc-js (npm `citeproc`) CiteLens uses. */
declare module 'citeproc' {
  interface CiteprocSys {
    retrieveLocale(lang: string): string | undefined;
    retrieveItem(id: string): Record<string, unknown>;
    wrapCitationEntry?(str: string, itemId: string, locator: string, suffix: string): string;
  }
  interface Engine {
    setOutputFormat(format: string): void;
    updateItems(ids: string[]): void;
    makeBibliography(): false | [Record<string, unknown>, string[]];
    makeCitationCluster(cites: Array<{ id: string }>): string;
    opt: { xclass?: string; 'default-locale'?: string[] };
  }
  const CSL: {
    Engine: new (sys: CiteprocSys, style: string, lang?: string, forceLang?: boolean) => Engine;
    Output: { Formats: { prototype: Record<string, Record<string, unknown>>; [name: string]: unknown } };
    [name: string]: unknown;
  };
  export default CSL;
}
