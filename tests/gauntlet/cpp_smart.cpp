// build: g++ -static-libgcc -static-libstdc++
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Node {
    std::string name;
    explicit Node(std::string n) : name(std::move(n)) { std::cout << "make " << name << '\n'; }
    ~Node() { std::cout << "free " << name << '\n'; }
};

int main()
{
    {
        auto a = std::make_unique<Node>("unique");
        std::unique_ptr<Node> b = std::move(a);
        std::cout << "moved: a is " << (a ? "set" : "empty") << ", b is " << b->name << '\n';
    }
    std::shared_ptr<Node> keep;
    {
        auto s = std::make_shared<Node>("shared");
        keep = s;
        std::cout << "use_count " << s.use_count() << '\n';
        std::weak_ptr<Node> weak = s;
        std::cout << "weak expired: " << weak.expired() << '\n';
    }
    std::cout << "use_count after scope " << keep.use_count() << '\n';
    keep.reset();
    std::cout << "after reset\n";

    std::function<int(int)> twice = [](int x) { return 2 * x; };
    int base = 10;
    auto add_base = [&base](int x) { return x + base; };
    base = 100;
    std::cout << "lambdas: " << twice(21) << ' ' << add_base(1) << '\n';
    std::map<std::string, std::function<int(int, int)>> ops = {
        {"add", [](int a, int b) { return a + b; }},
        {"mul", [](int a, int b) { return a * b; }},
        {"sub", std::minus<int>()},
    };
    for (const auto &op : ops)
        std::cout << op.first << "(6,7)=" << op.second(6, 7) << ' ';
    std::cout << '\n';
    std::vector<int> v = {1, 2, 3, 4, 5, 6};
    v.erase(std::remove_if(v.begin(), v.end(), [](int x) { return x % 2 == 0; }), v.end());
    std::transform(v.begin(), v.end(), v.begin(), [](int x) { return x * x; });
    std::cout << "odd squares:";
    for (int x : v)
        std::cout << ' ' << x;
    std::cout << '\n';
    auto counter = [n = 0]() mutable { return ++n; };
    counter();
    counter();
    std::cout << "counter: " << counter() << '\n';
    return 0;
}
