#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person {
    char name[12];
    int age;
};

static int by_age(const void *a, const void *b)
{
    const struct person *p = a, *q = b;
    return (p->age > q->age) - (p->age < q->age);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct person *)a)->name, ((const struct person *)b)->name);
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int int_desc(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }

int main(void)
{
    struct person people[] = {{"Mallory", 41}, {"Alice", 30}, {"Trent", 55}, {"Bob", 25}, {"Eve", 19},
                              {"Carol", 33}, {"Dave", 48}, {"Peggy", 27}, {"Victor", 62}, {"Walter", 36}};
    size_t n = sizeof people / sizeof people[0];
    qsort(people, n, sizeof people[0], by_age);
    printf("by age:");
    for (size_t i = 0; i < n; i++)
        printf(" %s(%d)", people[i].name, people[i].age);
    struct person key = {"", 48};
    struct person *hit = bsearch(&key, people, n, sizeof people[0], by_age);
    printf("\nage 48: %s\n", hit ? hit->name : "none");
    key.age = 49;
    printf("age 49: %s\n", bsearch(&key, people, n, sizeof people[0], by_age) ? "found" : "none");

    qsort(people, n, sizeof people[0], by_name);
    printf("by name:");
    for (size_t i = 0; i < n; i++)
        printf(" %s", people[i].name);
    strcpy(key.name, "Peggy");
    hit = bsearch(&key, people, n, sizeof people[0], by_name);
    printf("\nPeggy at index %d\n", hit ? (int)(hit - people) : -1);

    const char *words[] = {"pear", "fig", "apple", "kiwi", "banana", "cherry", "date", "grape", "lemon", "mango",
                           "apricot", "Zucchini"};
    size_t nw = sizeof words / sizeof words[0];
    qsort(words, nw, sizeof words[0], str_cmp);
    for (size_t i = 0; i < nw; i++)
        printf("%s%s", words[i], i + 1 < nw ? "," : "\n");
    const char *want = "kiwi";
    const char **w = bsearch(&want, words, nw, sizeof words[0], str_cmp);
    printf("kiwi at index %d\n", w ? (int)(w - words) : -1);

    int numbers[200];
    unsigned state = 12345;
    for (int i = 0; i < 200; i++) {
        state = state * 1103515245u + 12345u;
        numbers[i] = (int)((state >> 16) % 1000);
    }
    qsort(numbers, 200, sizeof numbers[0], int_desc);
    int sorted = 1;
    for (int i = 1; i < 200; i++)
        sorted &= numbers[i - 1] >= numbers[i];
    printf("200 numbers sorted descending: %d, first %d %d %d, last %d\n", sorted, numbers[0], numbers[1],
           numbers[2], numbers[199]);
    qsort(numbers, 0, sizeof numbers[0], int_desc);
    printf("qsort of 0 elements is fine\n");
    return 0;
}
