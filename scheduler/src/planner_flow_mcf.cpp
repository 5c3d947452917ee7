#include "planner_flow_mcf.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>

#include <stdexcept>
#include <vector>

namespace coldsort::scheduler::flow {
namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
// Doubles for weights: Boost's shortest paths add "infinite" distances of unreachable
// vertices to the potentials, which would overflow an integer type. Our costs are integers
// far below 2^53, so the doubles hold them exactly.
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, long,
                    boost::property<boost::edge_residual_capacity_t, long,
                                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                                    boost::property<boost::edge_weight_t, double>>>>>;
using Edge = Traits::edge_descriptor;

}  // namespace

struct MinCostFlow::Impl {
  Graph graph;
  std::vector<Edge> arcs;  // forward edge of each arc id
};

MinCostFlow::MinCostFlow() : impl_(std::make_unique<Impl>()) {}
MinCostFlow::~MinCostFlow() = default;

int MinCostFlow::add_node() { return static_cast<int>(boost::add_vertex(impl_->graph)); }
int MinCostFlow::nodes() const { return static_cast<int>(boost::num_vertices(impl_->graph)); }

int MinCostFlow::add_arc(int from, int to, long capacity, long cost) {
  if (cost < 0 || capacity < 0) throw std::invalid_argument("MinCostFlow: negative cost or capacity");
  Graph& g = impl_->graph;
  const auto u = static_cast<Traits::vertex_descriptor>(from);
  const auto v = static_cast<Traits::vertex_descriptor>(to);
  const Edge e = boost::add_edge(u, v, g).first;
  const Edge r = boost::add_edge(v, u, g).first;
  boost::put(boost::edge_capacity, g, e, capacity);
  boost::put(boost::edge_capacity, g, r, 0L);
  boost::put(boost::edge_weight, g, e, static_cast<double>(cost));
  boost::put(boost::edge_weight, g, r, -static_cast<double>(cost));
  boost::put(boost::edge_reverse, g, e, r);
  boost::put(boost::edge_reverse, g, r, e);
  impl_->arcs.push_back(e);
  return static_cast<int>(impl_->arcs.size()) - 1;
}

long MinCostFlow::solve(int source, int sink) {
  Graph& g = impl_->graph;
  boost::successive_shortest_path_nonnegative_weights(g, static_cast<Traits::vertex_descriptor>(source),
                                                      static_cast<Traits::vertex_descriptor>(sink));
  long total = 0;
  for (auto [it, end] = boost::out_edges(static_cast<Traits::vertex_descriptor>(source), g); it != end; ++it)
    total += boost::get(boost::edge_capacity, g, *it) - boost::get(boost::edge_residual_capacity, g, *it);
  return total;
}

long MinCostFlow::flow(int arc) const {
  const Graph& g = impl_->graph;
  const Edge e = impl_->arcs.at(static_cast<std::size_t>(arc));
  return boost::get(boost::edge_capacity, g, e) - boost::get(boost::edge_residual_capacity, g, e);
}

}  // namespace coldsort::scheduler::flow
