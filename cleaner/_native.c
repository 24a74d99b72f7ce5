/* Native line measurement: cleaner/prose.py's `_measure` for every line of a document in
 * one call.
 *
 * Why: measuring a line (tokenise, count stopwords, find sentence ends) costs about 5 µs in
 * Python through the `regex` module, and a corpus has ~24,000 lines per MB. Here it is one
 * pass over each line's code points.
 *
 * Exactness: the character classes (\w, \s, \p{Lu}, CJK) are not re-implemented. Python
 * hands in a table, one byte of flags per code point, that cleaner/native.py builds by
 * running the very `regex` classes that prose.py uses over every code point; stopwords and
 * str.lower / str.isupper are Python's own. tests/test_native.py checks the two paths agree.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define F_WORD 1   /* \w */
#define F_UPPER 2  /* \p{Lu} */
#define F_SPACE 4  /* \s */
#define F_CJK 8    /* [\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}] */
#define F_LOWER 16 /* \p{Ll} */
#define F_LETTER 32 /* \p{L} */

#define TABLE_SIZE 0x110000
#define STOP_SLOTS 1024 /* a power of two; stopwords as UTF-8 (the shipped 343 fill a third; a two-choice
                         * table fills to about half) */
#define STOP_MAX_LEN 15  /* bytes: a longer stopword is only found through Python's set (the
                          * table, 16 KB, stays in the first-level cache) */

static unsigned char table[TABLE_SIZE];
static int configured = 0;
static char stop_utf8[STOP_SLOTS][STOP_MAX_LEN + 1];
static PyObject *stop_set = NULL;      /* the full frozenset, for the tokens is_stopword hands to Python */
static PyObject *features_type = NULL; /* prose.Features, a named tuple */
static Py_ssize_t sample_chars = 20000;

static PyObject *empty_features = NULL; /* the Features of "", built once per configure */
static Py_ssize_t stop_max_chars = 0; /* the longest stopword: a longer token is none */
static int stop_long = 0;              /* some stopword is longer than STOP_MAX_LEN bytes */

/* fold's view of the first 256 code points: 0 for a character that is not a word character
 * (it becomes a separator), FOLD_WIDE for a word character outside ASCII (casefold decides),
 * else the ASCII word character lower-cased. Filled by configure from the class table. */
#define FOLD_WIDE 0xFF
static unsigned char fold_byte[256];

static void fill_fold_bytes(void) {
    for (int c = 0; c < 256; c++)
        fold_byte[c] = !(table[c] & F_WORD) ? 0 : c >= 128 ? FOLD_WIDE : (unsigned char)(c + 32 * ((unsigned)(c - 'A') < 26u));
}

/* The stopwords' table is a cuckoo hash: a word is in one of its two slots, so a lookup is
 * two whole-slot comparisons and no probing loop (one runs per token, and which way a
 * probe goes is unpredictable). A slot holds the word's UTF-8 bytes, zero-padded. */
typedef struct { uint64_t a, b; } Slot;

static inline Slot slot_of(const char *s) { /* s: STOP_MAX_LEN + 1 bytes */
    Slot w;
    memcpy(&w.a, s, 8);
    memcpy(&w.b, s + 8, 8);
    return w;
}

static inline uint64_t hash_slot(Slot w) {
    uint64_t h = (w.a * 0x9E3779B97F4A7C15ull) ^ (w.b * 0xC2B2AE3D27D4EB4Full);
    return h ^ (h >> 29);
}

static inline size_t slot_at(uint64_t h, int which) {
    return (size_t)(which ? h >> 40 : h >> 20) & (STOP_SLOTS - 1);
}

static inline int slot_is(const char *slot, Slot w) {
    Slot v = slot_of(slot);
    return ((v.a ^ w.a) | (v.b ^ w.b)) == 0;
}

static int stop_utf8_add(const char *s, Py_ssize_t n) {
    char word[STOP_MAX_LEN + 1] = {0}, evicted[STOP_MAX_LEN + 1];
    memcpy(word, s, n);
    Slot w = slot_of(word);
    uint64_t h = hash_slot(w);
    if (slot_is(stop_utf8[slot_at(h, 0)], w) || slot_is(stop_utf8[slot_at(h, 1)], w)) return 0;
    size_t at = slot_at(h, 0);
    for (int kick = 0; kick < 4 * STOP_SLOTS; kick++) {
        char *slot = stop_utf8[at];
        if (slot[0] == '\0') {
            memcpy(slot, word, STOP_MAX_LEN + 1);
            return 0;
        }
        /* take the slot; the word that held it moves to its other one */
        memcpy(evicted, slot, STOP_MAX_LEN + 1);
        memcpy(slot, word, STOP_MAX_LEN + 1);
        memcpy(word, evicted, STOP_MAX_LEN + 1);
        uint64_t e = hash_slot(slot_of(word));
        at = slot_at(e, 0) == at ? slot_at(e, 1) : slot_at(e, 0);
    }
    return -1;
}

/* `s`: a token's lower-cased UTF-8, zero-padded to STOP_MAX_LEN + 1 bytes. */
static inline int stop_utf8_has(const char *s) {
    Slot w = slot_of(s);
    uint64_t h = hash_slot(w);
    return slot_is(stop_utf8[slot_at(h, 0)], w) | slot_is(stop_utf8[slot_at(h, 1)], w);
}

static void clear_feature_slots(void);

static PyObject *configure(PyObject *self, PyObject *args) {
    Py_buffer tab;
    PyObject *stop, *ftype;
    Py_ssize_t sample;
    if (!PyArg_ParseTuple(args, "y*OOn", &tab, &stop, &ftype, &sample)) return NULL;
    if (tab.len != TABLE_SIZE) {
        PyBuffer_Release(&tab);
        PyErr_SetString(PyExc_ValueError, "the class table must have one byte per code point");
        return NULL;
    }
    if (!PyAnySet_Check(stop) || !PyType_Check(ftype) || !PyType_IsSubtype((PyTypeObject *)ftype, &PyTuple_Type)
        || sample < 1) {
        PyBuffer_Release(&tab);
        PyErr_SetString(PyExc_TypeError, "configure(table, stopwords: frozenset, Features, sample_chars)");
        return NULL;
    }
    memcpy(table, tab.buf, TABLE_SIZE);
    PyBuffer_Release(&tab);
    fill_fold_bytes();
    memset(stop_utf8, 0, sizeof stop_utf8);
    stop_max_chars = 0;
    stop_long = 0;
    PyObject *it = PyObject_GetIter(stop), *word;
    if (it == NULL) return NULL;
    while ((word = PyIter_Next(it)) != NULL) {
        if (PyUnicode_Check(word) && PyUnicode_GET_LENGTH(word) > stop_max_chars) stop_max_chars = PyUnicode_GET_LENGTH(word);
        if (PyUnicode_Check(word)) { /* kept as UTF-8 bytes */
            Py_ssize_t n;
            const char *utf8 = PyUnicode_AsUTF8AndSize(word, &n);
            if (utf8 == NULL) PyErr_Clear(); /* a lone surrogate: no token lower-cases to it here */
            else if (n > STOP_MAX_LEN) stop_long = 1;
            else if (n > 0 && stop_utf8_add(utf8, n) < 0) {
                Py_DECREF(word);
                Py_DECREF(it);
                PyErr_SetString(PyExc_ValueError, "too many stopwords for the native table");
                return NULL;
            }
        }
        Py_DECREF(word);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    Py_INCREF(stop);
    Py_XSETREF(stop_set, stop);
    Py_INCREF(ftype);
    Py_XSETREF(features_type, ftype);
    Py_CLEAR(empty_features);
    clear_feature_slots();
    sample_chars = sample;
    configured = 1;
    Py_RETURN_NONE;
}

/* --- small counts: line numbers, indices, lengths ------------------------------------------- */

/* The ints below INT_CACHE, made once and then shared (as Python shares those below 257): a
 * document's line numbers and indices are made again for every document and every walk over
 * its kept lines (and each line's counts when measured), and one taken from here costs a
 * reference, not an allocation and a free.
 * 16384 covers the lines of nearly every document for 0.5 MB. */
#define INT_CACHE 16384
static PyObject *int_cache[INT_CACHE];

static inline PyObject *int_of(Py_ssize_t v) {
    if (v < 0 || v >= INT_CACHE) return PyLong_FromSsize_t(v);
    PyObject *o = int_cache[v];
    if (o == NULL && (o = int_cache[v] = PyLong_FromSsize_t(v)) == NULL) return NULL;
    return Py_NewRef(o);
}

static inline unsigned char flags_of(Py_UCS4 c) { return c < TABLE_SIZE ? table[c] : 0; }

/* Is text[start:end] (a token) a stopword once lower-cased? The token is lower-cased here,
 * a character at a time, into UTF-8, and looked up among the stopwords' UTF-8 bytes. That is
 * str.lower() exactly but for two characters, for which Python's own lower() is called:
 * U+0130, whose full lower case is two characters, and U+03A3, whose lower case depends on
 * its place in the word (final sigma). Every other character's full lower case is its simple
 * one (Py_UNICODE_TOLOWER). */
static inline __attribute__((always_inline)) int is_stopword(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = end - start;
    if (n > stop_max_chars) return 0; /* lower-casing never shortens a word */
    char buf[STOP_MAX_LEN + 4] = {0}; /* zero-padded: see stop_utf8_has */
    Py_ssize_t m = 0;
    int plain = 1;
    for (Py_ssize_t i = 0; i < n && plain && m <= STOP_MAX_LEN; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, start + i);
        if (c < 128) {
            buf[m++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
            continue;
        }
        if (c == 0x130 || c == 0x3A3) { plain = 0; break; }
        c = Py_UNICODE_TOLOWER(c);
        if (c < 0x80) buf[m++] = (char)c;
        else if (c < 0x800) { buf[m++] = (char)(0xC0 | (c >> 6)); buf[m++] = (char)(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) {
            if (c >= 0xD800 && c <= 0xDFFF) { plain = 0; break; } /* a surrogate has no UTF-8 */
            buf[m++] = (char)(0xE0 | (c >> 12)); buf[m++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[m++] = (char)(0x80 | (c & 0x3F));
        } else {
            buf[m++] = (char)(0xF0 | (c >> 18)); buf[m++] = (char)(0x80 | ((c >> 12) & 0x3F));
            buf[m++] = (char)(0x80 | ((c >> 6) & 0x3F)); buf[m++] = (char)(0x80 | (c & 0x3F));
        }
    }
    if (plain && m <= STOP_MAX_LEN) return stop_utf8_has(buf);
    if (plain && !stop_long) return 0; /* longer than any stopword's bytes */
    PyObject *token = PyUnicode_Substring(text, start, end);
    if (token == NULL) return -1;
    PyObject *lower = PyObject_CallMethod(token, "lower", NULL);
    Py_DECREF(token);
    if (lower == NULL) return -1;
    int found = PySet_Contains(stop_set, lower);
    Py_DECREF(lower);
    return found;
}

static inline int is_apostrophe(Py_UCS4 c) { return c == '\'' || c == 0x2019; }
static inline int is_terminal(Py_UCS4 c) {            /* [.!?…:;] */
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ':' || c == ';';
}
static inline int is_end_closer(Py_UCS4 c) {          /* ["'”’»)\]] */
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' || c == ']';
}
static inline int is_inner_closer(Py_UCS4 c) {        /* ["'”’)] */
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == ')';
}
static inline int is_opener(Py_UCS4 c) {              /* ["'“‘(] */
    return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == '(';
}

static PyObject *new_tuple_of(PyTypeObject *type, Py_ssize_t n);

/* The Features made last for each of FEATURE_SLOTS keys (direct-mapped by a hash of the
 * counts they are made from): lines with the same counts share one Features (an immutable
 * named tuple of some 160 bytes with its two floats), so a document of many short lines does
 * not hold one per line (short lines repeat their counts: "line 12345" and "line 12346").
 * Emptied by configure, whose Features type they are. */
#define FEATURE_SLOTS 4096
typedef struct { Py_ssize_t key[7]; PyObject *features; } FeatureSlot;
static FeatureSlot feature_slots[FEATURE_SLOTS];

static void clear_feature_slots(void) {
    for (Py_ssize_t k = 0; k < FEATURE_SLOTS; k++) Py_CLEAR(feature_slots[k].features);
}

static PyObject *make_features_new(Py_ssize_t chars, Py_ssize_t words, Py_ssize_t n_stop, Py_ssize_t n_cap,
                                   int sentence_end, Py_ssize_t sentences, int cjk);

/* A Features for these counts: the one made last for the same counts, or a new one. */
static PyObject *make_features(Py_ssize_t chars, Py_ssize_t words, Py_ssize_t n_stop, Py_ssize_t n_cap,
                               int sentence_end, Py_ssize_t sentences, int cjk) {
    Py_ssize_t key[7] = {chars, words, n_stop, n_cap, sentence_end, sentences, cjk};
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < 7; k++) h = (h ^ (uint64_t)key[k]) * 0x100000001B3ull;
    FeatureSlot *slot = &feature_slots[(h ^ (h >> 29)) & (FEATURE_SLOTS - 1)];
    if (slot->features != NULL && memcmp(slot->key, key, sizeof key) == 0) return Py_NewRef(slot->features);
    PyObject *f = make_features_new(chars, words, n_stop, n_cap, sentence_end, sentences, cjk);
    if (f != NULL) {
        memcpy(slot->key, key, sizeof key);
        Py_XSETREF(slot->features, Py_NewRef(f));
    }
    return f;
}

/* A Features named tuple, allocated directly as the tuple subclass it is (as structseq
 * does); items are filled in before anyone sees it. */
static PyObject *make_features_new(Py_ssize_t chars, Py_ssize_t words, Py_ssize_t n_stop, Py_ssize_t n_cap,
                                   int sentence_end, Py_ssize_t sentences, int cjk) {
    PyTypeObject *type = (PyTypeObject *)features_type;
    PyObject *f = new_tuple_of(type, 7); /* only numbers and bools: no cycle (untracked, if a named tuple) */
    if (f == NULL) return NULL;
    PyObject *items[7] = {
        int_of(chars), int_of(words),
        PyFloat_FromDouble(words ? (double)n_stop / (double)words : 0.0),
        PyFloat_FromDouble(words ? (double)n_cap / (double)words : 0.0),
        Py_NewRef(sentence_end ? Py_True : Py_False), int_of(sentences),
        Py_NewRef(cjk ? Py_True : Py_False),
    };
    for (int k = 0; k < 7; k++) {
        if (items[k] == NULL) {
            for (int m = 0; m < 7; m++) Py_XDECREF(items[m]);
            Py_DECREF(f);
            return NULL;
        }
    }
    for (int k = 0; k < 7; k++) PyTuple_SET_ITEM(f, k, items[k]);
    return f;
}

static inline __attribute__((always_inline)) PyObject *measure_body(PyObject *text, int kind, const void *data,
                                                                   Py_ssize_t full);

/* The Features of one line, as prose._measure computes them. */
static PyObject *measure_one(PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "lines must be str");
        return NULL;
    }
    Py_ssize_t full = PyUnicode_GET_LENGTH(text);
    if (full == 0) { /* blank lines: one shared Features */
        if (empty_features == NULL && (empty_features = make_features(0, 0, 0, 0, 0, 1, 0)) == NULL) return NULL;
        return Py_NewRef(empty_features);
    }
    const void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) { /* one specialised copy of the body per string width */
    case PyUnicode_1BYTE_KIND: return measure_body(text, PyUnicode_1BYTE_KIND, data, full);
    case PyUnicode_2BYTE_KIND: return measure_body(text, PyUnicode_2BYTE_KIND, data, full);
    default: return measure_body(text, PyUnicode_4BYTE_KIND, data, full);
    }
}

static inline __attribute__((always_inline)) PyObject *measure_body(PyObject *text, int kind, const void *data,
                                                                   Py_ssize_t full) {
    Py_ssize_t n = full < sample_chars ? full : sample_chars;

    /* tokens: \w+(?:['’]\w+)* */
    /* Every character but an apostrophe inside a token has its flags read here: `seen`
     * collects them, which answers the CJK question without another pass. */
    Py_ssize_t words = 0, n_stop = 0, n_cap = 0;
    Py_ssize_t i = 0;
    Py_ssize_t sentences = 1, free = 0; /* a sentence break's \w is at `free` or later (non-overlapping) */
    unsigned char seen = 0, fl;
    while (i < n) {
        fl = flags_of(PyUnicode_READ(kind, data, i));
        seen |= fl;
        if (!(fl & F_WORD)) { i++; continue; }
        Py_ssize_t start = i;
        while (++i < n && ((fl = flags_of(PyUnicode_READ(kind, data, i))) & F_WORD)) seen |= fl;
        while (i + 1 < n && is_apostrophe(PyUnicode_READ(kind, data, i))
               && ((fl = flags_of(PyUnicode_READ(kind, data, i + 1))) & F_WORD)) {
            seen |= fl;
            i++;
            while (++i < n && ((fl = flags_of(PyUnicode_READ(kind, data, i))) & F_WORD)) seen |= fl;
        }
        words++;
        int stop = is_stopword(text, kind, data, start, i);
        if (stop < 0) return NULL;
        n_stop += stop;
        Py_UCS4 first = PyUnicode_READ(kind, data, start);
        n_cap += first < 128 ? first - 'A' < 26u : Py_UNICODE_ISUPPER(first) != 0;

        /* inner sentence breaks, \w[.!?]["'”’)]*\s+["'“‘(]?\p{Lu}, non-overlapping: a \w
         * followed by [.!?] is always the end of a token (only an apostrophe continues one),
         * so they are looked for here, where each token ends, instead of in a pass of their own */
        if (i - 1 >= free && i < n) {
            Py_UCS4 p = PyUnicode_READ(kind, data, i);
            if (p == '.' || p == '!' || p == '?') {
                Py_ssize_t j = i + 1;
                while (j < n && is_inner_closer(PyUnicode_READ(kind, data, j))) j++;
                Py_ssize_t spaces = j;
                while (j < n && (flags_of(PyUnicode_READ(kind, data, j)) & F_SPACE)) j++;
                if (j > spaces && j < n) {
                    if (is_opener(PyUnicode_READ(kind, data, j)) && j + 1 < n
                        && (flags_of(PyUnicode_READ(kind, data, j + 1)) & F_UPPER)) {
                        sentences++;
                        free = j + 2;
                    } else if (flags_of(PyUnicode_READ(kind, data, j)) & F_UPPER) {
                        sentences++;
                        free = j + 1;
                    }
                }
            }
        }
    }

    /* sentence end, in the last 8 characters: [.!?…:;]["'”’»)\]]*$ ($ also before a final \n) */
    int sentence_end = 0;
    Py_ssize_t tail = full > 8 ? full - 8 : 0;
    for (int pass = 0; pass < 2 && !sentence_end; pass++) {
        Py_ssize_t end = full;
        if (pass == 1) {
            if (full == tail || PyUnicode_READ(kind, data, full - 1) != '\n') break;
            end = full - 1;
        }
        Py_ssize_t q = end;
        while (q > tail && is_end_closer(PyUnicode_READ(kind, data, q - 1))) q--;
        sentence_end = q > tail && is_terminal(PyUnicode_READ(kind, data, q - 1));
    }

    int cjk = (seen & F_CJK) != 0;

    return make_features(full, words, n_stop, n_cap, sentence_end, sentences, cjk);
}
/* measure(lines[, memo, max_chars, max_entries]) -> [Features]. With a memo (a dict), the
 * Features of lines of at most max_chars characters are looked up there first and stored
 * there when measured; a memo holding max_entries lines is emptied before the next store
 * (native.remember's rule). */
static PyObject *measure(PyObject *self, PyObject *args) {
    PyObject *lines, *memo = NULL;
    Py_ssize_t max_chars = 0, max_entries = 0;
    if (!PyArg_ParseTuple(args, "O|O!nn", &lines, &PyDict_Type, &memo, &max_chars, &max_entries)) return NULL;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "cleaner._native.configure() has not been called");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(lines, "measure() takes a sequence of str");
    if (seq == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    if (out == NULL) { Py_DECREF(seq); return NULL; }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, k), *f = NULL;
        int remembered = memo != NULL && PyUnicode_Check(text) && PyUnicode_GET_LENGTH(text) <= max_chars;
        if (remembered) {
            f = PyDict_GetItemWithError(memo, text);
            if (f != NULL) Py_INCREF(f);
            else if (PyErr_Occurred()) goto fail;
        }
        if (f == NULL) {
            f = measure_one(text);
            if (f == NULL) goto fail;
            if (remembered) {
                if (PyDict_GET_SIZE(memo) >= max_entries) PyDict_Clear(memo);
                if (PyDict_SetItem(memo, text, f) < 0) { Py_DECREF(f); goto fail; }
            }
        }
        PyList_SET_ITEM(out, k, f);
    }
    Py_DECREF(seq);
    return out;
fail:
    Py_DECREF(out);
    Py_DECREF(seq);
    return NULL;
}

/* --- the Features tuples measure() makes ------------------------------------------------ */

/* An instance of the tuple subclass `type` with n empty items. A named tuple's instances are
 * laid out as a tuple's (no __dict__, no further slots): such an instance is made directly,
 * as tuples are, and not yet tracked by the cyclic collector, rather than by tp_alloc, which
 * tracks every instance at once (and the callers here mostly untrack it again). Any other
 * layout is made by tp_alloc and stays tracked (a __dict__ could close a cycle). */
static PyObject *new_tuple_of(PyTypeObject *type, Py_ssize_t n) {
    int plain = type->tp_basicsize == PyTuple_Type.tp_basicsize && type->tp_itemsize == PyTuple_Type.tp_itemsize
                && type->tp_dictoffset == 0 && type->tp_weaklistoffset == 0;
#ifdef Py_TPFLAGS_MANAGED_DICT
    plain = plain && !PyType_HasFeature(type, Py_TPFLAGS_MANAGED_DICT);
#endif
    if (!plain) return type->tp_alloc(type, n);
    PyTupleObject *t = PyObject_GC_NewVar(PyTupleObject, type, n);
    if (t == NULL) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) t->ob_item[k] = NULL;
    return (PyObject *)t;
}

static PyObject *fold_general(PyObject *text);
static inline __attribute__((always_inline)) PyObject *fold_plain(PyObject *text, int kind, const void *data,
                                                                 Py_ssize_t n);

/* fold(text) -> str: heuristics/duplicates.py's key, regex `[^\w]+` -> " " over
 * text.casefold(), then strip(). No character is both \w and whitespace (tests check this
 * over every code point), so strip() removes exactly the spaces that stood for a leading or
 * trailing run: runs inside the text become one space, runs at either end nothing. */
static PyObject *fold(PyObject *self, PyObject *text) {
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "cleaner._native.configure() has not been called");
        return NULL;
    }
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "fold() takes a str");
        return NULL;
    }
    /* Only a word character outside ASCII needs str.casefold(): ASCII folds by lower-casing,
     * and every other character casefolds to itself (tests check this over every code
     * point) and, not being a word character, becomes a separator anyway. Without one the
     * key is plain ASCII, built here in one pass per string width. */
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: return fold_plain(text, PyUnicode_1BYTE_KIND, PyUnicode_DATA(text), n);
    case PyUnicode_2BYTE_KIND: return fold_plain(text, PyUnicode_2BYTE_KIND, PyUnicode_DATA(text), n);
    default: return fold_plain(text, PyUnicode_4BYTE_KIND, PyUnicode_DATA(text), n);
    }
}

/* The folded key as ASCII, or, at the first non-ASCII word character, fold_general's. */
static inline __attribute__((always_inline)) PyObject *fold_plain(PyObject *text, int kind, const void *data,
                                                                 Py_ssize_t n) {
    PyObject *out = PyUnicode_New(n, 127);
    if (out == NULL) return NULL;
    Py_UCS1 *dst = PyUnicode_1BYTE_DATA(out);
    Py_ssize_t m = 0, i = 0;
    /* Without branches on the text: each step writes a space and the character where they
     * would go and moves on past those that belong (a space before a word character that
     * follows a non-word one; the non-word characters before the first word are skipped
     * first, so no space opens the key). The step's length is worked out from the character
     * alone, so one step waits on the last only for where to write. Nothing is written past
     * the input's length: a space is only kept after a character that added nothing. */
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 256 ? fold_byte[c] : flags_of(c) & F_WORD) break;
        i++;
    }
    unsigned after_gap = 0; /* the previous character was not a word character */
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        unsigned b = c < 256 ? fold_byte[c] : (flags_of(c) & F_WORD ? FOLD_WIDE : 0);
        if (b == FOLD_WIDE) { Py_DECREF(out); return fold_general(text); }
        unsigned word = b != 0, gap = word & after_gap;
        dst[m] = ' ';
        dst[m + gap] = (Py_UCS1)b;
        m += gap + word;
        after_gap = !word;
    }
    if (m < n && PyUnicode_Resize(&out, m) < 0) return NULL;
    return out;
}

/* fold() of a text with a word character outside ASCII: through str.casefold(). */
static PyObject *fold_general(PyObject *text) {
    PyObject *folded = PyObject_CallMethod(text, "casefold", NULL);
    if (folded == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded), m = 0;
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    PyObject *out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(folded));
    if (out == NULL) { Py_DECREF(folded); return NULL; }
    int out_kind = PyUnicode_KIND(out);
    void *out_data = PyUnicode_DATA(out);
    int gap = 0;
    Py_UCS4 top = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (flags_of(c) & F_WORD) {
            if (gap && m > 0) PyUnicode_WRITE(out_kind, out_data, m++, ' ');
            gap = 0;
            if (c > top) top = c;
            PyUnicode_WRITE(out_kind, out_data, m++, c);
        } else {
            gap = 1;
        }
    }
    Py_DECREF(folded);
    /* a str must be stored in the narrowest form its characters allow (else equal strings
     * compare unequal): narrower than the input's when the widest characters were dropped */
    int canonical = top < 0x80 ? PyUnicode_IS_ASCII(out)
                    : top < 0x100 ? out_kind == PyUnicode_1BYTE_KIND && !PyUnicode_IS_ASCII(out)
                    : top < 0x10000 ? out_kind == PyUnicode_2BYTE_KIND : out_kind == PyUnicode_4BYTE_KIND;
    if (!canonical) {
        PyObject *narrow = PyUnicode_FromKindAndData(out_kind, out_data, m);
        Py_DECREF(out);
        return narrow;
    }
    if (m < n && PyUnicode_Resize(&out, m) < 0) return NULL;
    return out;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(table, stopwords, Features, sample_chars): the class table (one byte of flags per "
     "code point), the stopword set, the Features type and prose.SAMPLE_CHARS."},
    {"measure", measure, METH_VARARGS,
     "measure(lines[, memo, max_chars, max_entries]) -> [Features]: prose._measure of each line."},
    {"fold", fold, METH_O, "fold(text) -> str: heuristics/duplicates.py's fold."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cleaner._native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
