// build: g++ -static-libgcc -static-libstdc++
#include <algorithm>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

int main()
{
    std::vector<int> v = {5, 3, 9, 1, 7, 3, 8};
    std::sort(v.begin(), v.end());
    std::cout << "sorted:";
    for (int x : v)
        std::cout << ' ' << x;
    std::cout << "\nsum=" << std::accumulate(v.begin(), v.end(), 0) << " max=" << *std::max_element(v.begin(), v.end())
              << " count(3)=" << std::count(v.begin(), v.end(), 3) << '\n';
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::cout << "unique size=" << v.size() << " binary_search(7)=" << std::binary_search(v.begin(), v.end(), 7)
              << '\n';
    std::vector<int> grow;
    for (int i = 0; i < 100000; i++)
        grow.push_back(i);
    std::cout << "grown to " << grow.size() << ", back=" << grow.back() << '\n';

    std::map<std::string, int> ages = {{"carol", 33}, {"alice", 30}, {"bob", 25}};
    ages["dave"] = 48;
    ages["alice"]++;
    for (const auto &entry : ages)
        std::cout << entry.first << '=' << entry.second << ' ';
    std::cout << "\nfind(bob): " << (ages.find("bob") != ages.end()) << " count(zed): " << ages.count("zed") << '\n';

    std::set<std::string> words = {"pear", "apple", "fig", "apple", "kiwi"};
    std::cout << "set:";
    for (const auto &w : words)
        std::cout << ' ' << w;
    std::cout << " (" << words.size() << ")\n";

    std::unordered_map<int, std::string> names;
    for (int i = 0; i < 1000; i++)
        names[i] = "n" + std::to_string(i);
    std::vector<int> keys;
    for (const auto &entry : names)
        if (entry.first % 250 == 0)
            keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    std::cout << "unordered_map size=" << names.size() << " keys:";
    for (int k : keys)
        std::cout << ' ' << k << '=' << names[k];
    std::cout << '\n';

    std::list<int> l = {3, 1, 2};
    l.push_front(0);
    l.sort();
    l.reverse();
    std::cout << "list:";
    for (int x : l)
        std::cout << ' ' << x;
    std::deque<int> dq;
    dq.push_back(1);
    dq.push_front(2);
    dq.push_back(3);
    std::cout << "\ndeque: " << dq.front() << ' ' << dq.back() << ' ' << dq.size() << '\n';
    std::vector<std::string> names2 = {"Zoe", "adam", "Bob", "carl"};
    std::stable_sort(names2.begin(), names2.end(), [](const std::string &a, const std::string &b) {
        return std::tolower(a[0]) < std::tolower(b[0]);
    });
    std::cout << "case-insensitive:";
    for (const auto &n : names2)
        std::cout << ' ' << n;
    std::vector<int> perm = {1, 2, 3};
    int perms = 0;
    do
        perms++;
    while (std::next_permutation(perm.begin(), perm.end()));
    std::cout << "\npermutations of 3: " << perms << '\n';
    return 0;
}
