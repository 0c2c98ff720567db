// build: g++ -static
#include <iostream>
#include <memory>
#include <string>
#include <vector>

class Shape {
public:
    explicit Shape(std::string name) : name_(std::move(name)) {}
    virtual ~Shape() { std::cout << "~Shape(" << name_ << ")\n"; }
    virtual double area() const = 0;
    virtual std::string kind() const { return "shape"; }
    const std::string &name() const { return name_; }

private:
    std::string name_;
};

class Rect : public Shape {
public:
    Rect(double w, double h) : Shape("rect"), w_(w), h_(h) {}
    ~Rect() override { std::cout << "~Rect\n"; }
    double area() const override { return w_ * h_; }
    std::string kind() const override { return "rectangle"; }

private:
    double w_, h_;
};

class Square : public Rect {
public:
    explicit Square(double s) : Rect(s, s) {}
    std::string kind() const override { return "square, a " + Rect::kind(); }
};

class Circle : public Shape {
public:
    explicit Circle(double r) : Shape("circle"), r_(r) {}
    double area() const override { return 3.0 * r_ * r_; }

private:
    double r_;
};

template <typename T>
T largest(const std::vector<T> &items)
{
    T best = items.front();
    for (const T &item : items)
        if (best < item)
            best = item;
    return best;
}

template <typename T, int N>
struct Fixed {
    T data[N];
    int size() const { return N; }
};

template <typename T>
std::string describe(const T &) { return "something"; }
template <>
std::string describe<int>(const int &) { return "an int"; }

int main()
{
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Rect>(2, 3));
    shapes.push_back(std::make_unique<Square>(4));
    shapes.push_back(std::make_unique<Circle>(1));
    for (const auto &s : shapes)
        std::cout << s->name() << ": " << s->kind() << ", area " << s->area() << '\n';
    Shape *base = shapes[1].get();
    std::cout << "dynamic_cast to Rect: " << (dynamic_cast<Rect *>(base) != nullptr)
              << ", to Circle: " << (dynamic_cast<Circle *>(base) != nullptr) << '\n';
    std::cout << "largest int: " << largest(std::vector<int>{3, 9, 2}) << '\n';
    std::cout << "largest string: " << largest(std::vector<std::string>{"pear", "zebra", "apple"}) << '\n';
    Fixed<double, 5> f{};
    std::cout << "Fixed size: " << f.size() << ", " << describe(1) << ", " << describe(2.0) << '\n';
    shapes.clear();
    std::cout << "done\n";
    return 0;
}
