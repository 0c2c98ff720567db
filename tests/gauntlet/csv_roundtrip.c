#include <stdio.h>
#include <string.h>

struct item {
    char name[16];
    int quantity;
    double price;
};

int main(void)
{
    struct item items[] = {{"widget", 12, 2.5}, {"gadget", 3, 19.99}, {"doohickey", 100, 0.125},
                           {"thingamajig", 0, 1234.5678}};
    FILE *f = fopen("items.csv", "w");
    fprintf(f, "name,quantity,price\n");
    for (unsigned i = 0; i < sizeof items / sizeof items[0]; i++)
        fprintf(f, "%s,%d,%.4f\n", items[i].name, items[i].quantity, items[i].price);
    fclose(f);

    f = fopen("items.csv", "r");
    char header[64];
    fgets(header, sizeof header, f);
    printf("header: %s", header);
    struct item back;
    double total = 0;
    int rows = 0;
    while (fscanf(f, "%15[^,],%d,%lf\n", back.name, &back.quantity, &back.price) == 3) {
        rows++;
        total += back.quantity * back.price;
        printf("%-12s %4d x %9.4f = %10.4f\n", back.name, back.quantity, back.price, back.quantity * back.price);
    }
    fclose(f);
    printf("%d rows, total %.2f\n", rows, total);
    remove("items.csv");
    return 0;
}
