/* Command-line lookup; see bootargs.h. */
#include <kernel/bootargs.h>
#include <string.h>

/* Finds the last word starting with key followed by '=', ' ' or the end; returns the value
 * start (after '=') or NULL, and the value length. */
static const char *find(const char *args, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    const char *found = NULL;

    if (klen == 0)
        return NULL;
    for (const char *p = args; *p;) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - word);
        if (wlen >= klen && strncmp(word, key, klen) == 0) {
            if (wlen == klen) {
                found = word + klen;
                *vlen = 0;
            } else if (word[klen] == '=') {
                found = word + klen + 1;
                *vlen = wlen - klen - 1;
            }
        }
    }
    return found;
}

bool bootargs_get(const char *args, const char *key, char *val, size_t n)
{
    size_t vlen = 0;
    const char *v = find(args, key, &vlen);

    if (!v || vlen + 1 > n)
        return false;
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    return true;
}

bool bootargs_has(const char *args, const char *key)
{
    size_t vlen;
    return find(args, key, &vlen) != NULL;
}
