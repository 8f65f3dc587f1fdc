/**
 * The ICU collator CouchDB uses for view keys and Mango comparisons: the root collation (`ucol_open("")`) at its
 * default tertiary strength, no numeric ordering, punctuation not ignored.
 *
 * The locale is `en`, not `und`: V8 resolves `und` to the process's default locale, so on a machine with
 * `LANG=sv_SE` it would collate the Swedish way ("ä" after "z"). `en` has no CLDR tailoring, so it is the root
 * order everywhere.
 */
export const icuCollator = new Intl.Collator('en', {
  usage: 'sort',
  sensitivity: 'variant',
  ignorePunctuation: false,
  numeric: false,
  caseFirst: 'false',
});

/** ICU comparison of two strings: -1, 0 or 1. Canonically equivalent strings ("é" and "e\u0301") compare 0. */
export const icuCompare: (a: string, b: string) => number = icuCollator.compare;
