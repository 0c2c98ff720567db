// build: g++ -static
#include <iostream>
#include <string>
#include <typeinfo>

struct Base {
    virtual ~Base() = default;
    virtual std::string who() const { return "Base"; }
};
struct Left : virtual Base {
    std::string who() const override { return "Left"; }
};
struct Right : virtual Base {
    int r = 2;
};
struct Diamond : Left, Right {
    std::string who() const override { return "Diamond(" + Left::who() + ")"; }
};
struct Counter {
    static int alive;
    Counter() { alive++; }
    Counter(const Counter &) { alive++; }
    ~Counter() { alive--; }
};
int Counter::alive = 0;

struct Value {
    int v;
    Value operator+(const Value &o) const { return {v + o.v}; }
    bool operator==(const Value &o) const { return v == o.v; }
};

int main()
{
    Diamond d;
    Base *b = &d;
    std::cout << "who: " << b->who() << '\n';
    std::cout << "typeid name: " << typeid(*b).name() << " == Diamond: " << (typeid(*b) == typeid(Diamond)) << '\n';
    std::cout << "int: " << typeid(int).name() << ", double: " << typeid(2.0).name() << '\n';
    Right *r = dynamic_cast<Right *>(b);
    std::cout << "cross-cast to Right: " << (r != nullptr) << " r=" << (r ? r->r : -1) << '\n';
    Left *l = dynamic_cast<Left *>(r);
    std::cout << "Right to Left: " << (l != nullptr) << '\n';
    Base plain;
    std::cout << "plain Base to Left: " << (dynamic_cast<Left *>(&plain) != nullptr) << '\n';
    try {
        Left &bad = dynamic_cast<Left &>(plain);
        (void)bad;
    } catch (const std::bad_cast &) {
        std::cout << "bad_cast thrown\n";
    }
    {
        Counter a, b2;
        Counter c = a;
        std::cout << "alive: " << Counter::alive << '\n';
    }
    std::cout << "alive after scope: " << Counter::alive << '\n';
    Value x{2}, y{3};
    std::cout << "operators: " << (x + y).v << ' ' << (x + y == Value{5}) << '\n';
    static int calls = 0;
    struct Local {
        static int next() { return ++calls; }
    };
    Local::next();
    std::cout << "local class: " << Local::next() << '\n';
    return 0;
}
